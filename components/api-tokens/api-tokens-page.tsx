"use client";

import { useState } from "react";
import type { Role } from "@/lib/roles";
import { ApiTokensTable } from "./api-tokens-table";
import { CreateApiTokenForm } from "./create-api-token-form";
import { NewTokenSecret } from "./new-token-secret";

export function ApiTokensPage({ ownRole }: { ownRole: Role }) {
  const [creating, setCreating] = useState(false);
  const [secret, setSecret] = useState<string | null>(null);
  return (
    <>
      {secret ? (
        <NewTokenSecret secret={secret} onDone={() => setSecret(null)} />
      ) : creating ? (
        <CreateApiTokenForm
          ownRole={ownRole}
          onCreated={(s) => {
            setCreating(false);
            setSecret(s);
          }}
          onCancel={() => setCreating(false)}
        />
      ) : (
        <div className="actions">
          <button type="button" onClick={() => setCreating(true)}>
            Create API token
          </button>
        </div>
      )}
      <ApiTokensTable />
    </>
  );
}
