// Logging of routes that cannot be encoded for a peer: once per attribute set, and at most a few
// lines a minute per peer whatever a peer sends, so that a hostile neighbour cannot flood the log.
import type { Logger } from 'pino';
import { formatPrefix } from '../wire/address.js';
import type { Clock } from './clock.js';
import type { UnsendableGroup } from './export-updates.js';

const WARNINGS_PER_MINUTE = 10;

export class UnsendableLog {
  private readonly seen = new WeakSet<object>();
  private windowStart = 0;
  private inWindow = 0;
  private suppressed = 0;

  constructor(
    private readonly log: Logger,
    private readonly clock: Clock,
  ) {}

  report(unsendable: readonly UnsendableGroup[]): void {
    for (const { group, reason } of unsendable) {
      const key = group.set ?? group.attributes;
      if (this.seen.has(key)) continue;
      this.seen.add(key);
      const now = this.clock.now();
      if (now - this.windowStart >= 60_000) {
        if (this.suppressed > 0) {
          this.log.warn(
            { suppressed: this.suppressed },
            'more attribute sets could not be encoded for the peer (not logged)',
          );
        }
        this.windowStart = now;
        this.inWindow = 0;
        this.suppressed = 0;
      }
      if (this.inWindow >= WARNINGS_PER_MINUTE) {
        this.suppressed++;
        continue;
      }
      this.inWindow++;
      const first = group.nlri[0];
      this.log.warn(
        { reason, prefixes: group.nlri.length, ...(first ? { firstPrefix: formatPrefix(first) } : {}) },
        'routes not advertised: their attributes cannot be encoded for this peer',
      );
    }
  }
}
