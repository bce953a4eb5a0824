import { useState } from "react";
import { Button, ErrorBanner, TextInput } from "../ui.tsx";

/** Approve, or reject with a note saying why (required): the review of an affiliate or a held commission. */
export function ReviewActions({
  subject,
  onApprove,
  onReject,
  busy,
  error,
}: {
  /** What is reviewed, for the buttons' accessible names ("Approve Pat Pending"). */
  subject: string;
  onApprove: () => void;
  onReject: (note: string) => void;
  busy: boolean;
  error: unknown;
}) {
  const [rejecting, setRejecting] = useState(false);
  const [note, setNote] = useState("");
  const [noteError, setNoteError] = useState<string>();
  return (
    <div className="space-y-2">
      {!rejecting ? (
        <div className="flex flex-wrap gap-2">
          <Button onClick={onApprove} busy={busy} aria-label={`Approve ${subject}`}>
            Approve
          </Button>
          <Button variant="secondary" onClick={() => setRejecting(true)} aria-label={`Reject ${subject}`}>
            Reject
          </Button>
        </div>
      ) : (
        <form
          className="flex flex-wrap items-end gap-2"
          aria-label={`Reject ${subject}`}
          onSubmit={(e) => {
            e.preventDefault();
            if (!note.trim()) return setNoteError("Say why: the note is kept with the review.");
            setNoteError(undefined);
            onReject(note.trim());
          }}
        >
          <TextInput label="Why" value={note} onChange={(e) => setNote(e.target.value)} error={noteError} maxLength={2000} />
          <Button type="submit" variant="danger" busy={busy}>
            Reject
          </Button>
          <Button type="button" variant="ghost" onClick={() => setRejecting(false)}>
            Cancel
          </Button>
        </form>
      )}
      <ErrorBanner error={error} />
    </div>
  );
}
