export { ControlError, MAX_REQUEST_BYTES, ResultStream, type ControlReply } from './control-protocol.js';
export { ControlServer, type ControlHandler, type ControlLogger, type ControlServerOptions } from './control-server.js';
export { controlItems, controlRequest, type ControlClientOptions } from './control-client.js';
export { AlreadyRunningError, claimSocketPath } from './socket-claim.js';
export { peerCredentials, type PeerCredentials } from './peer-credentials.js';
export { UsageError, exitFor, runCli, type CliProgram } from './cli-runner.js';
export { flushed, writeJsonArray, writeOut } from './output.js';
export {
  runDaemonProcess,
  type DaemonLogger,
  type DaemonProcessOptions,
  type RunningService,
} from './daemon-process.js';
