import type { TenantScope } from "@orbis/db";

/**
 * Keeps `calls.heartbeat_at` fresh for every live call of this gateway process, so the reaper can tell
 * a live call from one whose process died, and renews the process's call-slot leases (`renewLeases`,
 * the limiter's) on the same beat. One timer for the process and one UPDATE per workspace per beat —
 * not a timer and a statement per call, which at hundreds of calls arrive as one burst that stalls the
 * event loop every 30 s (measured: 60–75 ms at 250 calls).
 */
export class CallHeartbeats {
  private readonly live = new Map<string, { tenant: TenantScope; calls: Set<string> }>();
  private readonly timer: ReturnType<typeof setInterval>;
  private beating: Promise<void> | undefined;
  private renewing: Promise<void> | undefined;

  constructor(
    private readonly onError: (err: unknown) => void,
    intervalMs = 30_000,
    private readonly renewLeases?: () => Promise<void>,
  ) {
    this.timer = setInterval(() => {
      // Independent of each other: a slow database must not let the leases lapse.
      void this.renew();
      void this.beat();
    }, intervalMs);
    this.timer.unref();
  }

  /** Renews the leases now (one round trip); overlapping calls run once. */
  renew(): Promise<void> {
    if (!this.renewLeases) return Promise.resolve();
    this.renewing ??= this.renewLeases()
      .catch(this.onError)
      .finally(() => (this.renewing = undefined));
    return this.renewing;
  }

  add(tenant: TenantScope, callId: string): void {
    const entry = this.live.get(tenant.workspaceId);
    if (entry) entry.calls.add(callId);
    else this.live.set(tenant.workspaceId, { tenant, calls: new Set([callId]) });
  }

  remove(tenant: TenantScope, callId: string): void {
    const entry = this.live.get(tenant.workspaceId);
    if (!entry) return;
    entry.calls.delete(callId);
    if (entry.calls.size === 0) this.live.delete(tenant.workspaceId);
  }

  get liveCalls(): number {
    let n = 0;
    for (const e of this.live.values()) n += e.calls.size;
    return n;
  }

  /** One round now: the workspaces one after another, so a beat holds one pooled connection at a time. */
  beat(): Promise<void> {
    if (this.beating) return this.beating;
    this.beating = (async () => {
      const at = new Date();
      for (const { tenant, calls } of [...this.live.values()]) {
        await tenant.calls.heartbeat([...calls], at).catch(this.onError);
      }
    })().finally(() => (this.beating = undefined));
    return this.beating;
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
