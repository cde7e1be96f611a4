import { AppError } from "@/lib/errors";

/** Avi's list paging: `page` (from 1) and `page_size` (default 25, at most 200 as the SDK allows). */
export interface Paging {
  page: number;
  pageSize: number;
}

export const DEFAULT_PAGE_SIZE = 25;
export const MAX_PAGE_SIZE = 200;

export function pagingOf(params: URLSearchParams): Paging {
  return {
    page: positive(params, "page", 1, Number.MAX_SAFE_INTEGER),
    pageSize: positive(params, "page_size", DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE),
  };
}

function positive(params: URLSearchParams, key: string, fallback: number, max: number): number {
  const raw = params.get(key);
  if (raw === null || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > max) {
    throw new AppError("VALIDATION", `${key} must be a whole number from 1 to ${max}; got "${raw}".`, {
      field: key,
    });
  }
  return n;
}

/** `{ count, results, next? }`; `next` is the URL of the following page while one remains. */
export function pageAnswer<T>(requestUrl: URL, paging: Paging, total: number, results: T[]) {
  const more = paging.page * paging.pageSize < total;
  if (!more) return { count: total, results };
  const next = new URL(requestUrl);
  next.searchParams.set("page", String(paging.page + 1));
  next.searchParams.set("page_size", String(paging.pageSize));
  return { count: total, results, next: next.toString() };
}
