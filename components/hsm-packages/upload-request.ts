import type { UploadAnswer } from "@/lib/schemas/hsm-packages";

export type UploadOutcome = { ok: true; answer: UploadAnswer } | { ok: false; message: string };

/**
 * POSTs the raw file to /api/fileservice/hsmpackages with XMLHttpRequest (fetch has no upload
 * progress events); `onProgress` gets 0..1 as bytes leave the browser.
 */
export function uploadPackage(
  file: File,
  type: string,
  onProgress: (fraction: number) => void,
): Promise<UploadOutcome> {
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    const query = new URLSearchParams({ hsmtype: type, filename: file.name });
    xhr.open("POST", `/api/fileservice/hsmpackages?${query}`);
    xhr.setRequestHeader("content-type", "application/x-tar");
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(e.loaded / e.total);
    };
    xhr.onload = () => {
      let body: { error?: { message?: string } } & Partial<UploadAnswer>;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        return resolve({ ok: false, message: `The server answered ${xhr.status} without details.` });
      }
      if (xhr.status === 201) return resolve({ ok: true, answer: body as UploadAnswer });
      resolve({ ok: false, message: body.error?.message ?? `The upload failed (${xhr.status}).` });
    };
    xhr.onerror = () =>
      resolve({ ok: false, message: "The upload was interrupted (network error). Try again." });
    xhr.send(file);
  });
}
