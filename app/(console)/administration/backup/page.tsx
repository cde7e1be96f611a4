import { BackupPanel } from "@/components/backup/backup-panel";
import { PageHeader } from "@/components/ui/page-header";

export default function BackupPage() {
  return (
    <>
      <PageHeader path={["Administration", "Backup"]} title="Backup" />
      <BackupPanel />
    </>
  );
}
