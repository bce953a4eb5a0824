import { useId, useState } from "react";
import { Button } from "../ui.tsx";

/** A link to share, read-only and selectable, with a Copy button that says when it worked. */
export function CopyLinkField({ url, label }: { url: string; label: string }) {
  const id = useId();
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(url);
      setState("copied");
    } catch {
      setState("failed");
    }
  };
  return (
    <div className="space-y-1">
      <label htmlFor={id} className="block text-sm font-medium text-slate-800">
        {label}
      </label>
      <div className="flex flex-wrap items-center gap-2">
        <input
          id={id}
          readOnly
          value={url}
          onFocus={(e) => e.currentTarget.select()}
          className="min-w-0 flex-1 rounded-lg border border-slate-400 bg-slate-50 px-3 py-2 font-mono text-sm text-slate-900"
        />
        <Button type="button" variant="secondary" onClick={copy} aria-label={`Copy ${label.toLowerCase()}`}>
          {state === "copied" ? "Copied" : "Copy"}
        </Button>
      </div>
      <p aria-live="polite" className="text-xs text-slate-600">
        {state === "copied" ? "Link copied to the clipboard." : state === "failed" ? "Could not copy: select the link and copy it yourself." : ""}
      </p>
    </div>
  );
}
