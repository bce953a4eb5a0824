import { useEffect, useRef, useState, type MouseEvent } from "react";
import { useCan } from "../../lib/session.tsx";
import { Button } from "../../components/ui.tsx";

/**
 * "Preview voice": the server speaks a greeting with the agent's own TTS (`POST /v1/agents/:id/voice-preview`)
 * in the voice chosen in the surrounding form (saved or not), and an <audio> element plays the WAV.
 */
export function VoicePreviewButton({ agentId }: { agentId: string }) {
  const canPreview = useCan("staff");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [url, setUrl] = useState<string>();
  const audio = useRef<HTMLAudioElement>(null);

  // The object URL holds the WAV in memory: freed when replaced or when the page goes.
  useEffect(() => () => void (url && URL.revokeObjectURL(url)), [url]);
  useEffect(() => {
    if (url) audio.current?.play().catch(() => undefined);
  }, [url]);

  if (!canPreview) return null;

  const preview = async (e: MouseEvent<HTMLButtonElement>) => {
    const voice = (e.currentTarget.form?.elements.namedItem("voice") as HTMLSelectElement | null)?.value;
    setBusy(true);
    setError(undefined);
    try {
      const res = await fetch(`/v1/agents/${agentId}/voice-preview`, {
        method: "POST",
        credentials: "same-origin",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(voice ? { voice } : {}),
      });
      if (!res.ok) {
        const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
        throw new Error(body?.error?.message ?? `The server answered ${res.status}`);
      }
      setUrl(URL.createObjectURL(await res.blob()));
    } catch (err) {
      setError(err instanceof TypeError ? "Cannot reach the server. Check your connection and try again." : (err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="flex flex-col justify-end gap-2">
      <div>
        <Button type="button" variant="secondary" busy={busy} onClick={preview}>
          {busy ? "Synthesising…" : "Preview voice"}
        </Button>
      </div>
      {url && <audio ref={audio} src={url} controls className="w-full max-w-sm" aria-label="Voice preview" data-testid="voice-preview-audio" />}
      {error && (
        <p role="alert" className="text-sm text-red-700">
          {error}
        </p>
      )}
    </div>
  );
}
