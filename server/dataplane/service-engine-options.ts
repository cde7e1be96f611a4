import type { Backoff } from "./backoff";
import type { HealthOptions } from "./health";
import type { LogRotationOptions } from "./log-rotation";
import type { RunAs } from "./process";
import type { ServiceEngineSpec, ServiceEngineStatus } from "./types";

/** How a ServiceEngine behaves: its user, health probes, timeouts, and who recovers it. */
export interface ServiceEngineOptions {
  /** Default: nobody/nogroup when the console is root, else the console's own user. */
  runAs?: RunAs | null;
  /** Handshake probes that detect a lost HSM connection; false turns them off. */
  health?: HealthOptions | false;
  /**
   * Delay before automatic restarts: initialMs doubling up to maxMs, or a Backoff of the caller's
   * (a test reads the delays it chose instead of timing the restarts).
   */
  backoff?: { initialMs?: number; maxMs?: number } | Backoff;
  /** Key lookups and `nginx -t`; a hung HSM counts as a failed check. Default 10 s. */
  checkTimeoutMs?: number;
  /** nginx start and reload. Default 15 s. */
  startTimeoutMs?: number;
  /**
   * True for specs whose recovery (after a crash or a lost HSM) is the owner's: the SE stays
   * "failed" until the owner restarts it with a spec of its choice (an HA group's SE must move to
   * a member that answers, its key URIs with it). Otherwise the SE restarts itself after backoff.
   */
  ownerRecovers?: (spec: ServiceEngineSpec) => boolean;
  onStateChange?: (status: ServiceEngineStatus) => void;
  /** access.log and error.log rotated by size (default: DEFAULT_LOG_ROTATION). */
  logRotation?: LogRotationOptions;
  /**
   * Awaited inside a full restart while this SE's nginx is stopped, before it starts again: a test
   * looks at the others (do they serve the VIP?) at that moment instead of sampling a clock.
   */
  inRestartGap?: (spec: ServiceEngineSpec) => Promise<void>;
}

/** What apply() did with a new spec. */
export type ApplyOutcome = "reloaded" | "restart-required" | "saved";
