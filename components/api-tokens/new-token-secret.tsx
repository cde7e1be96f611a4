"use client";

import { CopyButton } from "../ui/copy-button";

/** The secret, once: it lives only in this component's props and is gone after "Done". */
export function NewTokenSecret({ secret, onDone }: { secret: string; onDone: () => void }) {
  return (
    <section className="panel" aria-label="New API token">
      <div className="alert success" role="status">
        Copy this token now: it will not be shown again.
      </div>
      <pre>
        <code>{secret}</code>
      </pre>
      <CopyButton text={secret} what="token" />
      <p className="hint">
        Use it as <code>Authorization: Bearer …</code>, or{" "}
        <code>hsm-console login --controller URL --token …</code>
      </p>
      <div className="actions">
        <button type="button" onClick={onDone}>
          Done
        </button>
      </div>
    </section>
  );
}
