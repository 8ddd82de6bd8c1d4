export { RepeatedErrorLog, type RepeatedErrorLogOptions, type WarningLogger, errorText } from './repeated-error.js';
