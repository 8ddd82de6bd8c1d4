export { loadConfig, validateConfig, peerConfigOf, ConfigError, DAEMON_CONFIG_SCHEMA, type DaemonConfig, type DaemonPeer, type DaemonAnnouncement } from './config.js';
export { BgpControlClient, ControlServer, ControlError, controlRequest, DEFAULT_CONTROL_SOCKET, type ControlAccess, type ControlRequest, type ControlResponse } from './control.js';
export { runDaemon, type RunningDaemon } from './daemon.js';
export { formatSummary, formatRoutes } from './format.js';
