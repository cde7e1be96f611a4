"use client";

import { useState } from "react";
import { ImportCertificateForm } from "./import-certificate-form";
import { ReferenceCertificateForm } from "./reference-certificate-form";

/** Import brings a key into the console; a reference points at a key already in an HSM group. */
export function ImportChoice() {
  const [kind, setKind] = useState<"import" | "reference">("import");
  return (
    <>
      <fieldset className="panel">
        <legend>What to import</legend>
        <label>
          <input
            type="radio"
            name="import-kind"
            checked={kind === "import"}
            onChange={() => setKind("import")}
          />{" "}
          Key and certificate (PEM or PKCS#12)
        </label>
        <label>
          <input
            type="radio"
            name="import-kind"
            checked={kind === "reference"}
            onChange={() => setKind("reference")}
          />{" "}
          Key already in the HSM (PKCS#11 URI or label) + certificate
        </label>
      </fieldset>
      {kind === "import" ? <ImportCertificateForm /> : <ReferenceCertificateForm />}
    </>
  );
}
