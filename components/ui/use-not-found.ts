"use client";

import { notFound } from "next/navigation";
import { isMissing } from "@/lib/trpc/errors";

/** A page's own object is missing: render the App Router's not-found page instead of an error box. */
export function useNotFoundOn(error: unknown): void {
  if (error && isMissing(error)) notFound();
}
