"use client";

import { useState } from "react";
import { CreateUserForm } from "./create-user-form";
import { UsersTable } from "./users-table";

export function UsersPage() {
  const [creating, setCreating] = useState(false);
  return (
    <>
      {creating ? (
        <CreateUserForm onDone={() => setCreating(false)} />
      ) : (
        <div className="actions">
          <button type="button" onClick={() => setCreating(true)}>
            Create user
          </button>
        </div>
      )}
      <UsersTable />
    </>
  );
}
