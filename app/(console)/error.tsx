"use client";

import Link from "next/link";

/** A page failed to render: say so without a stack trace, offer to try again. */
export default function ConsoleError({
  error,
  reset,
}: {
  error: Error & { digest?: string };
  reset: () => void;
}) {
  return (
    <section className="panel" aria-labelledby="error-title">
      <h1 id="error-title">This page could not be shown</h1>
      <div className="alert error" role="alert">
        Something went wrong while loading it.{error.digest ? ` Reference: ${error.digest}.` : ""} The server
        log has the details.
      </div>
      <div className="actions">
        <button type="button" onClick={reset}>
          Try again
        </button>
        <Link href="/">Getting started</Link>
      </div>
    </section>
  );
}
