import { redirect } from "next/navigation";
import { ApiTokensPage } from "@/components/api-tokens/api-tokens-page";
import { PageHeader } from "@/components/ui/page-header";
import { currentUserOrRedirect } from "@/server/auth/current-user";

export default async function Page() {
  const state = await currentUserOrRedirect();
  if ("redirect" in state) redirect(state.redirect);
  return (
    <>
      <PageHeader path={["Administration", "API tokens"]} title="API tokens">
        <p className="hint">
          Tokens let scripts and the <code>hsm-console</code> CLI call the REST API as you, with at most your
          role. The secret is shown once; only its hash is stored.
        </p>
      </PageHeader>
      <ApiTokensPage ownRole={state.user.role} />
    </>
  );
}
