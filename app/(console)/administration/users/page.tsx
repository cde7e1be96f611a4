import { PageHeader } from "@/components/ui/page-header";
import { UsersPage } from "@/components/users/users-page";

export default function Page() {
  return (
    <>
      <PageHeader path={["Administration", "Users"]} title="Users" />
      <UsersPage />
    </>
  );
}
