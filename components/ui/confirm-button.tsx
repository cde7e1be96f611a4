"use client";

import { type ReactNode, useEffect, useId, useRef, useState } from "react";
import { createPortal } from "react-dom";

type Props = {
  /** The button that opens the dialog (keeps the page's own wording, e.g. "Delete web1"). */
  children: ReactNode;
  /** Dialog heading, e.g. "Delete virtual service web1?" */
  title: string;
  /** What happens and what cannot be undone, read out as the dialog's description. */
  consequence: ReactNode;
  /** The confirm button names the action and the object, e.g. "Delete key hsm-console:web1". */
  confirmLabel: string;
  onConfirm: () => void;
  /** For what cannot be recovered (an HSM key): the admin types this text before confirming. */
  typeToConfirm?: string;
  className?: string;
  disabled?: boolean;
};

/**
 * A destructive or disruptive action behind a native modal <dialog>: showModal() keeps focus
 * inside it, Escape cancels (the browser's own "cancel"), and focus returns to the button that
 * opened it. The dialog is portalled to <body> so it never nests in a table row or another form.
 */
export function ConfirmButton(props: Props) {
  const { children, className, disabled } = props;
  const [open, setOpen] = useState(false);
  const opener = useRef<HTMLButtonElement>(null);
  return (
    <>
      <button
        ref={opener}
        type="button"
        className={className ?? "danger"}
        disabled={disabled}
        aria-haspopup="dialog"
        onClick={() => setOpen(true)}
      >
        {children}
      </button>
      {open &&
        createPortal(
          <ConfirmDialog
            {...props}
            onClose={() => {
              setOpen(false);
              opener.current?.focus();
            }}
          />,
          document.body,
        )}
    </>
  );
}

function ConfirmDialog({
  title,
  consequence,
  confirmLabel,
  onConfirm,
  typeToConfirm,
  onClose,
}: Props & { onClose: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const first = useRef<HTMLInputElement & HTMLButtonElement>(null);
  const [typed, setTyped] = useState("");
  const id = useId();
  useEffect(() => {
    dialog.current?.showModal();
    // Explicitly: React renders autoFocus as a focus() call at mount, before showModal().
    first.current?.focus();
  }, []);
  const armed = typeToConfirm === undefined || typed === typeToConfirm;
  return (
    <dialog
      ref={dialog}
      className="confirm"
      aria-labelledby={`${id}-title`}
      aria-describedby={`${id}-what`}
      onClose={onClose}
    >
      <form
        method="dialog"
        onSubmit={(e) => {
          e.preventDefault();
          if (!armed) return;
          dialog.current?.close();
          onConfirm();
        }}
      >
        <h2 id={`${id}-title`}>{title}</h2>
        <div id={`${id}-what`}>{consequence}</div>
        {typeToConfirm !== undefined && (
          <>
            <label htmlFor={`${id}-type`}>
              Type <code>{typeToConfirm}</code> to confirm
            </label>
            <input
              ref={first}
              id={`${id}-type`}
              autoComplete="off"
              spellCheck={false}
              value={typed}
              onChange={(e) => setTyped(e.target.value)}
            />
          </>
        )}
        <div className="actions">
          {/* First and focused when nothing is to be typed: Enter alone never destroys anything. */}
          <button
            ref={typeToConfirm === undefined ? first : undefined}
            type="button"
            className="secondary"
            onClick={() => dialog.current?.close()}
          >
            Cancel
          </button>
          <button type="submit" className="danger" disabled={!armed}>
            {confirmLabel}
          </button>
        </div>
      </form>
    </dialog>
  );
}
