// The graceful restart helper of one peer (RFC 4724 §4.2): when the session of a peer that has the
// Graceful Restart capability fails without a NOTIFICATION, its routes of every family the capability
// lists stay in the RIB as stale until it is back and sends End-of-RIB per family, or until its
// Restart Time runs out. The Forwarding State bit counts in the OPEN after the restart only.
import type { Logger } from 'pino';
import type { BestPathChange, RibManager } from '../rib/rib-manager.js';
import { AFI, type Afi, type OpenMessage } from '../wire/types.js';
import type { Clock } from './clock.js';
import { gracefulRestartOf } from './open.js';

export class GracefulRestartHelper {
  /** Families whose routes are stale, until the peer's End-of-RIB for each. */
  private stale = new Set<Afi>();
  private timer: unknown;

  constructor(
    private readonly peerId: string,
    private readonly rib: RibManager,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly routesChanged: (changes: BestPathChange[]) => void,
  ) {}

  /**
   * The Established session is gone. When it failed without a NOTIFICATION either way, keeps the
   * routes of every family in the peer's Graceful Restart capability as stale, whatever their
   * Forwarding State bit said (RFC 4724 §4.2: "retain the routes received from the peer for all the
   * address families that were previously received in the Graceful Restart Capability"; BIRD and
   * GoBGP send F=0 on a normal start); otherwise removes the peer's routes.
   */
  sessionLost(peerOpen: OpenMessage, families: ReadonlySet<Afi>, notified: boolean): void {
    const gr = gracefulRestartOf(peerOpen);
    const preserved = [...new Set((gr?.families ?? []).filter((f) => families.has(f.afi)).map((f) => f.afi))];
    if (gr && preserved.length > 0 && !notified && gr.restartTime > 0) {
      this.log.info(
        { restartTime: gr.restartTime, families: preserved },
        'graceful restart helper: keeping routes as stale',
      );
      this.routesChanged(this.rib.peerDown(this.peerId, { gracefulRestart: true }));
      const notPreserved = [AFI.IPV4, AFI.IPV6].filter((afi) => !preserved.includes(afi));
      if (notPreserved.length > 0) this.routesChanged(this.rib.sweepStale(this.peerId, notPreserved));
      this.stale = new Set(preserved);
      this.restartTimer(gr.restartTime, `restart time ${gr.restartTime} s ran out`);
      return;
    }
    this.sweepAll('session lost again');
    this.routesChanged(this.rib.peerDown(this.peerId));
  }

  /**
   * The peer is back (RFC 4724 §4.2): stale routes of families it no longer preserves go now; the
   * others wait for its End-of-RIB, again for at most its Restart Time.
   */
  established(peerOpen: OpenMessage, families: ReadonlySet<Afi>): void {
    if (this.stale.size === 0) return;
    const gr = gracefulRestartOf(peerOpen);
    const preserved = new Set(gr?.families.filter((f) => f.forwardingPreserved).map((f) => f.afi) ?? []);
    const dropNow = [...this.stale].filter((afi) => !preserved.has(afi) || !families.has(afi));
    if (dropNow.length > 0) {
      for (const afi of dropNow) this.stale.delete(afi);
      this.routesChanged(this.rib.sweepStale(this.peerId, dropNow));
    }
    if (this.stale.size > 0) this.restartTimer(gr?.restartTime ?? 120, 'no End-of-RIB after the restart');
    else this.stopTimer();
  }

  /** End-of-RIB for `afi` (RFC 4724 §2): its stale routes that were not refreshed go. */
  endOfRib(afi: Afi): void {
    if (!this.stale.delete(afi)) return;
    this.log.info({ afi }, 'End-of-RIB: removing stale routes');
    this.routesChanged(this.rib.sweepStale(this.peerId, [afi]));
    if (this.stale.size === 0) this.stopTimer();
  }

  dispose(): void {
    this.stopTimer();
  }

  private sweepAll(why: string): void {
    this.stopTimer();
    if (this.stale.size === 0) return;
    this.log.info({ why }, 'graceful restart: removing stale routes');
    const afis = [...this.stale];
    this.stale.clear();
    this.routesChanged(this.rib.sweepStale(this.peerId, afis));
  }

  private restartTimer(seconds: number, why: string): void {
    this.stopTimer();
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      this.sweepAll(why);
    }, seconds * 1000);
  }

  private stopTimer(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }
}
