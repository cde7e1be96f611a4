/** Every node writes its heartbeat this often. */
export const HEARTBEAT_MS = 3_000;
/** A node not heard from for this many heartbeats is down. */
export const MISSED_BEATS_DOWN = 3;

export type NodeState = "up" | "down" | "stopped";

/** From the database's own clock (seconds since the last heartbeat), so node clocks never matter. */
export function nodeState(row: { secondsSinceBeat: number; stoppedAt: Date | null }): NodeState {
  if (row.stoppedAt) return "stopped";
  return row.secondsSinceBeat * 1000 > HEARTBEAT_MS * MISSED_BEATS_DOWN ? "down" : "up";
}
