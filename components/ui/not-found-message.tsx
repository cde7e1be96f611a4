import Link from "next/link";

/** What the not-found pages say: the address names nothing this account can see. */
export function NotFoundMessage() {
  return (
    <section className="panel empty" aria-labelledby="not-found-title">
      <h1 id="not-found-title">Not found</h1>
      <p>Nothing is here: the address is mistyped, or the object was deleted or belongs to another tenant.</p>
      <p>
        <Link href="/">Back to Getting started</Link>
      </p>
    </section>
  );
}
