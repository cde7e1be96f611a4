/** Small helpers shared by benchmark files: rate over a fixed time, percentiles, output lines. */
export async function opsPerSecond(
  fn: () => Promise<unknown>,
  seconds = 2,
  concurrency = 1,
): Promise<number> {
  const end = performance.now() + seconds * 1000;
  let done = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        await fn();
        done++;
      }
    }),
  );
  return done / ((performance.now() - start) / 1000);
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export function report(name: string, value: number, digits = 2): void {
  console.log(`${name}: ${Number.isFinite(value) ? value.toFixed(digits) : "n/a"}`);
}
