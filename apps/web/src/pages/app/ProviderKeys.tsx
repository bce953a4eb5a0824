import { z } from "zod";
import { useCredentials, useProviders, type ProviderInfo } from "../../lib/queries.ts";
import { useCan } from "../../lib/session.tsx";
import { Badge, Card, EmptyState, ErrorBanner, PageHeader, Spinner } from "../../components/ui.tsx";
import { CredentialForm } from "./PhoneNumbers.tsx";

/** What `PUT /v1/credentials/:vendor` takes for an AI vendor (the providers' `apiKeyCredentialSchema`). */
const apiKeySchema = z.object({ apiKey: z.string().trim().min(8, "must be at least 8 characters").max(512) });
const KEY_FIELDS = [{ name: "apiKey", label: "API key" }];

const CAPABILITY_LABELS: Record<ProviderInfo["capability"], string> = {
  stt: "speech to text",
  tts: "text to speech",
  llm: "language model",
  realtime: "speech to speech",
};

/** The vendors whose keys a workspace can store, each with what it serves (from `GET /v1/providers`). */
function vendorsOf(providers: ProviderInfo[]) {
  const out = new Map<string, ProviderInfo[]>();
  for (const p of providers) if (p.needsKey) out.set(p.needsKey, [...(out.get(p.needsKey) ?? []), p]);
  return [...out.entries()].sort(([a], [b]) => a.localeCompare(b));
}

export function ProviderKeys() {
  const canManage = useCan("admin");
  const providers = useProviders();
  const creds = useCredentials();
  if (!canManage) {
    return (
      <>
        <PageHeader title="Provider keys" />
        <EmptyState title="Only admins and owners manage provider keys" />
      </>
    );
  }
  return (
    <>
      <PageHeader
        title="Provider keys"
        subtitle="Your own keys for the AI providers your agents use. Keys are stored encrypted and never shown again: only a hint of the last characters."
      />
      {providers.isPending || creds.isPending ? (
        <Spinner />
      ) : providers.error || creds.error ? (
        <ErrorBanner error={providers.error ?? creds.error} />
      ) : (
        <div className="grid gap-4 lg:grid-cols-2">
          {vendorsOf(providers.data.data).map(([vendor, entries]) => (
            <Card key={vendor}>
              <p className="mb-2 flex flex-wrap gap-1 text-xs text-slate-600">
                {entries.map((e) => (
                  <Badge key={e.id}>
                    {e.id} · {CAPABILITY_LABELS[e.capability]}
                  </Badge>
                ))}
              </p>
              <CredentialForm
                provider={vendor}
                label={vendor}
                fields={KEY_FIELDS}
                schema={apiKeySchema}
                configured={creds.data.data.find((c) => c.provider === vendor)}
              />
            </Card>
          ))}
        </div>
      )}
    </>
  );
}
