// A daemon's life as a process: signal handlers first (so no signal can kill it while it starts), then
// start, then wait. SIGTERM and SIGINT stop it cleanly (the daemon says goodbye to its peers: BGP
// Cease, final RAs); SIGHUP calls the daemon's reload hook, one reload at a time, and a daemon without
// one logs "reload not supported": SIGHUP never kills a daemon.

/** The few logger methods used (pino's Logger fits). */
export interface DaemonLogger {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

/** A started daemon, as the skeleton drives it. */
export interface RunningService {
  /** Stops cleanly; `signal` is the one that asked. */
  stop(signal: NodeJS.Signals): Promise<void>;
  /** Rereads the configuration; throws (and keeps the running one) when the new one is bad. */
  reload?(): Promise<void> | void;
}

export interface DaemonProcessOptions {
  name: string;
  logger: DaemonLogger;
  start(): Promise<RunningService>;
}

const STOP_SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/** Starts the daemon and resolves once a stop signal has stopped it. Start errors reject. */
export async function runDaemonProcess(options: DaemonProcessOptions): Promise<void> {
  const { name, logger } = options;
  let service: RunningService | undefined;
  let stopSignal: NodeJS.Signals | undefined;
  let wake: (() => void) | undefined;
  let reloading: Promise<void> = Promise.resolve();

  const onStop = (signal: NodeJS.Signals) => {
    if (stopSignal) return logger.warn({ signal }, `${name} is already stopping`);
    stopSignal = signal;
    wake?.();
  };
  const onHangup = () => {
    if (!service) return logger.warn({}, `${name} is starting; SIGHUP ignored`);
    const reload = service.reload?.bind(service);
    if (!reload) return logger.warn({}, `reload not supported by ${name}; SIGHUP ignored`);
    reloading = reloading.then(async () => {
      try {
        await reload();
        logger.info({}, 'configuration reloaded');
      } catch (error) {
        logger.error({ error: (error as Error).message }, 'configuration not reloaded; the running one stays in force');
      }
    });
  };
  for (const signal of STOP_SIGNALS) process.on(signal, onStop);
  process.on('SIGHUP', onHangup);
  try {
    service = await options.start();
    if (!stopSignal) await new Promise<void>((resolve) => (wake = resolve));
    await reloading;
    await service.stop(stopSignal!);
  } finally {
    for (const signal of STOP_SIGNALS) process.off(signal, onStop);
    process.off('SIGHUP', onHangup);
  }
}
