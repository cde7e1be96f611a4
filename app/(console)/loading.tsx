/** Shown while a console page's server part loads (the shell around it stays). */
export default function Loading() {
  return (
    <p role="status" className="hint">
      Loading…
    </p>
  );
}
