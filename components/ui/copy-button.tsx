"use client";

import { useEffect, useRef, useState } from "react";

type Outcome = "idle" | "copied" | "manual";

/**
 * Copies text with the Clipboard API where the page is a secure context; over plain HTTP (no
 * navigator.clipboard) it selects a hidden text area and uses execCommand("copy"); if even that is
 * refused, the text is shown selected for Ctrl+C. The outcome is announced in a status region.
 */
export function CopyButton({ text, what }: { text: string; what: string }) {
  const [outcome, setOutcome] = useState<Outcome>("idle");
  const manual = useRef<HTMLTextAreaElement>(null);
  useEffect(() => {
    if (outcome === "manual") manual.current?.select();
    if (outcome !== "copied") return;
    const timer = setTimeout(() => setOutcome("idle"), 4000);
    return () => clearTimeout(timer);
  }, [outcome]);
  const copy = async () => {
    if (navigator.clipboard && window.isSecureContext) {
      try {
        await navigator.clipboard.writeText(text);
        return setOutcome("copied");
      } catch {
        // Refused (permissions, focus): fall through to the selection copy.
      }
    }
    setOutcome(copyBySelection(text) ? "copied" : "manual");
  };
  return (
    <span className="copy">
      <button type="button" className="secondary" onClick={copy}>
        Copy {what}
      </button>
      <span role="status" className="copy-status">
        {outcome === "copied"
          ? "Copied"
          : outcome === "manual"
            ? "Press Ctrl+C to copy the selected text"
            : ""}
      </span>
      {outcome === "manual" && (
        <textarea ref={manual} readOnly aria-label={`${what} to copy`} value={text} rows={4} />
      )}
    </span>
  );
}

function copyBySelection(text: string): boolean {
  const area = document.createElement("textarea");
  area.value = text;
  area.setAttribute("readonly", "");
  area.style.position = "fixed";
  area.style.opacity = "0";
  document.body.appendChild(area);
  const previous = document.activeElement as HTMLElement | null;
  area.select();
  try {
    return document.execCommand("copy");
  } catch {
    return false;
  } finally {
    area.remove();
    previous?.focus();
  }
}
