import { useMembers } from "../../lib/queries.ts";
import { useMe } from "../../lib/session.tsx";
import { Select } from "../ui.tsx";

/** For owners and admins: whose practice data a page shows ("" = their own, or everyone's where the page lists all). */
export function RepPicker({
  value,
  onChange,
  label = "Rep",
  emptyLabel = "Me",
  includeSelf = false,
}: {
  value: string;
  onChange: (userId: string) => void;
  label?: string;
  /** What "" means on this page. */
  emptyLabel?: string;
  /** List the signed-in user too (when "" means everyone). */
  includeSelf?: boolean;
}) {
  const members = useMembers();
  const me = useMe().data;
  const others = (members.data?.data ?? [])
    .filter((m) => includeSelf || m.userId !== me?.user.id)
    .map((m) => (m.userId === me?.user.id ? { ...m, name: `Me (${m.name || m.email})` } : m));
  return (
    <div className="w-64">
      <Select
        label={label}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        options={[{ value: "", label: emptyLabel }, ...others.map((m) => ({ value: m.userId, label: m.name || m.email }))]}
      />
    </div>
  );
}
