export {
  loadConfig,
  validateConfig,
  peerConfigOf,
  announcementAttributes,
  announcementOptions,
  ConfigError,
  type CairnBgpConfig,
} from './config.js';
export {
  BgpControlClient,
  ControlServer,
  ControlError,
  controlRequest,
  DEFAULT_CONTROL_SOCKET,
  type ControlAccess,
  type ControlRequest,
  type ControlResponse,
} from './control.js';
export { ControlRequestError } from './commands.js';
export { runDaemon, type DaemonOptions, type ReloadResult, type RunningDaemon } from './daemon.js';
export { formatSummary, formatRoutes } from './format.js';
