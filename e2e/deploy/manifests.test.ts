import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { collectDefaultMetrics, Registry } from "prom-client";
import { Namespace } from "kubernetes-models/v1/Namespace";
import { ConfigMap } from "kubernetes-models/v1/ConfigMap";
import { Secret } from "kubernetes-models/v1/Secret";
import { Service } from "kubernetes-models/v1/Service";
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { Job } from "kubernetes-models/batch/v1/Job";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1/PodDisruptionBudget";
import { HorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler";
import { Ingress } from "kubernetes-models/networking.k8s.io/v1/Ingress";
import { parseAllDocuments } from "yaml";
import { loadConfig, ROLES, type Role } from "@orbis/config";
import {
  configVariableNames,
  definedOrbisMetrics,
  gatewayShutdownDrainMs,
  metricsInPromql,
  read,
  ROOT,
  SAMPLE_SECRETS,
  yamlDocuments,
  yamlFilesIn,
} from "./deploy-files.ts";

/*
 * The deploy files (deploy/, docs/deploy.md) checked offline: Kubernetes objects against the Kubernetes
 * OpenAPI schemas (kubernetes-models), then what the schemas cannot know — probes on the platform's health
 * routes, a grace period that covers the gateway's drain, a PDB per role, the ingress split between
 * gateways and api, the environment names packages/config reads — and the Compose file, the Dockerfile
 * and the Grafana dashboard against the source.
 */

// ---- Kubernetes -------------------------------------------------------------------------------------

type Obj = { apiVersion: string; kind: string; metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> } } & Record<
  string,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- manifests are free-form data checked field by field
  any
>;

/** The model of each kind the manifests use; a kind without one fails the schema test. */
const MODELS: Record<string, (data: object) => void> = {
  "v1/Namespace": (d) => new Namespace(d as never).validate(),
  "v1/ConfigMap": (d) => new ConfigMap(d as never).validate(),
  "v1/Secret": (d) => new Secret(d as never).validate(),
  "v1/Service": (d) => new Service(d as never).validate(),
  "apps/v1/Deployment": (d) => new Deployment(d as never).validate(),
  "batch/v1/Job": (d) => new Job(d as never).validate(),
  "policy/v1/PodDisruptionBudget": (d) => new PodDisruptionBudget(d as never).validate(),
  "autoscaling/v2/HorizontalPodAutoscaler": (d) => new HorizontalPodAutoscaler(d as never).validate(),
  "networking.k8s.io/v1/Ingress": (d) => new Ingress(d as never).validate(),
};

const BASE = "deploy/k8s/base";
const PRODUCTION = "deploy/k8s/overlays/production";
const OPTIONAL = "deploy/k8s/optional";

interface Kustomization {
  resources?: string[];
  patches?: { path?: string; patch?: string; target?: { kind?: string; name?: string } }[];
  images?: { name: string; newName?: string; newTag?: string }[];
  namespace?: string;
}

const kustomization = (dir: string) => yamlDocuments(`${dir}/kustomization.yaml`)[0] as Kustomization;
const objectsOf = (path: string) => yamlDocuments(path) as Obj[];

/** The base's objects, as kustomize would list them (resources of base/kustomization.yaml). */
const base: Obj[] = (kustomization(BASE).resources ?? []).flatMap((file) => objectsOf(`${BASE}/${file}`));
const exampleSecret = objectsOf(`${BASE}/secret.example.yaml`)[0]!;
const ofKind = (kind: string) => base.filter((o) => o.kind === kind);
const named = (kind: string, name: string) => base.find((o) => o.kind === kind && o.metadata.name === name);
const deployments = ofKind("Deployment");
const configMap = ofKind("ConfigMap")[0]!;
const container = (o: Obj) => o.spec.template.spec.containers[0];
const roleOf = (d: Obj) => container(d).args[2] as Role;
const matches = (selector: Record<string, string>, labels: Record<string, string> = {}) => Object.entries(selector).every(([k, v]) => labels[k] === v);

describe("Kubernetes manifests (deploy/k8s)", () => {
  it("every object validates against the Kubernetes schema of its kind", () => {
    const files = [
      ...yamlFilesIn(BASE)
        .filter((f) => f !== "kustomization.yaml")
        .map((f) => `${BASE}/${f}`),
      ...(kustomization(PRODUCTION).resources ?? []).filter((r) => r.endsWith(".yaml")).map((r) => `${PRODUCTION}/${r}`),
    ];
    expect(files.length).toBeGreaterThan(5);
    for (const file of files) {
      for (const obj of objectsOf(file)) {
        const validate = MODELS[`${obj.apiVersion}/${obj.kind}`];
        expect(validate, `${file}: no schema for ${obj.apiVersion} ${obj.kind}`).toBeDefined();
        expect(() => validate!(obj), `${file}: ${obj.kind}/${obj.metadata?.name}`).not.toThrow();
      }
    }
  });

  it("a broken object fails the schema validation (the check can fail)", () => {
    const broken = structuredClone(deployments[0]!);
    broken.spec.replicas = "two";
    expect(() => MODELS["apps/v1/Deployment"]!(broken)).toThrow(/replicas/);
  });

  it("each kustomization lists every manifest beside it (the example Secret aside) and only files that exist", () => {
    for (const dir of [BASE, PRODUCTION]) {
      const k = kustomization(dir);
      const listed = [...(k.resources ?? []), ...(k.patches ?? []).flatMap((p) => (p.path ? [p.path] : []))];
      for (const entry of listed) expect(existsSync(join(ROOT, dir, entry)), `${dir}: ${entry}`).toBe(true);
      const files = yamlFilesIn(dir).filter((f) => f !== "kustomization.yaml" && !f.endsWith(".example.yaml"));
      expect(
        files.filter((f) => !listed.includes(f)),
        `${dir}: files not in kustomization.yaml`,
      ).toEqual([]);
    }
    expect(kustomization(PRODUCTION).resources).toContain("../../base");
    // Placeholders must never be applied over the real Secret.
    expect(kustomization(BASE).resources).not.toContain("secret.example.yaml");
  });

  it("the production overlay patches objects of the base and renames the image every workload runs", () => {
    const k = kustomization(PRODUCTION);
    for (const p of k.patches ?? []) {
      if (p.target) {
        const hits = base.filter((o) => (!p.target!.kind || o.kind === p.target!.kind) && (!p.target!.name || o.metadata.name === p.target!.name));
        expect(hits.length, `patch ${p.path} targets nothing`).toBeGreaterThan(0);
      } else {
        const patch = objectsOf(`${PRODUCTION}/${p.path}`)[0]!;
        expect(named(patch.kind, patch.metadata.name), `patch ${p.path}: no ${patch.kind}/${patch.metadata.name} in the base`).toBeDefined();
      }
    }
    const images = new Set([...deployments, ...ofKind("Job")].map((o) => container(o).image));
    expect(images.size).toBe(1);
    expect(k.images?.map((i) => i.name)).toEqual([...images]);
  });

  // kustomize itself, where kubectl is installed (it carries kustomize): the overlay renders, and what it renders validates.
  const kubectl = spawnSync("kubectl", ["version", "--client"], { encoding: "utf8" }).status === 0;
  it.skipIf(!kubectl)("renders the production overlay with kubectl kustomize into valid objects in one namespace, on the registry's image", () => {
    const built = spawnSync("kubectl", ["kustomize", join(ROOT, PRODUCTION)], { encoding: "utf8" });
    expect(built.status, built.stderr).toBe(0);
    const objects = parseAllDocuments(built.stdout).map((d) => d.toJS() as Obj);
    expect(objects.length).toBe(base.length);
    const image = kustomization(PRODUCTION).images![0]!;
    for (const obj of objects) {
      expect(() => MODELS[`${obj.apiVersion}/${obj.kind}`]!(obj), `${obj.kind}/${obj.metadata.name}`).not.toThrow();
      if (obj.kind !== "Namespace") expect(obj.metadata, obj.metadata.name).toMatchObject({ namespace: kustomization(PRODUCTION).namespace });
      if (obj.spec?.template?.spec) expect(container(obj).image).toBe(`${image.newName}:${image.newTag}`);
    }
  });

  it("runs one Deployment per role, each with /readyz readiness and /healthz liveness on its http port", () => {
    expect(deployments.map(roleOf).sort()).toEqual(["api", "gateway", "worker"]);
    for (const d of deployments) {
      const c = container(d);
      expect(c.args.slice(0, 2)).toEqual(["start", "--role"]);
      expect(ROLES).toContain(roleOf(d));
      const ports = c.ports.map((p: { name: string }) => p.name);
      expect(c.readinessProbe.httpGet, d.metadata.name).toMatchObject({ path: "/readyz" });
      expect(c.livenessProbe.httpGet, d.metadata.name).toMatchObject({ path: "/healthz" });
      expect(ports).toContain(c.readinessProbe.httpGet.port);
      expect(ports).toContain(c.livenessProbe.httpGet.port);
      expect(c.resources.requests.cpu && c.resources.requests.memory, d.metadata.name).toBeTruthy();
      // The metrics listener (METRICS_ADDRESS) is the port named `metrics`.
      expect(c.ports.find((p: { name: string }) => p.name === "metrics")?.containerPort).toBe(Number(configMap.data.METRICS_ADDRESS.split(":").pop()));
    }
  });

  it("runs every workload as non-root on a read-only root, with DATA_DIR and /tmp writable", () => {
    for (const w of [...deployments, ...ofKind("Job")]) {
      const pod = w.spec.template.spec;
      expect(pod.securityContext.runAsNonRoot, w.metadata.name).toBe(true);
      expect(pod.securityContext.runAsUser).toBeGreaterThan(0);
      for (const c of pod.containers) {
        expect(c.securityContext, w.metadata.name).toMatchObject({
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ["ALL"] },
        });
        const mounts = new Map(c.volumeMounts.map((m: { mountPath: string; name: string }) => [m.mountPath, m.name]));
        for (const path of [configMap.data.DATA_DIR, "/tmp"]) {
          const volume = pod.volumes.find((v: { name: string }) => v.name === mounts.get(path));
          expect(volume, `${w.metadata.name}: nothing writable at ${path}`).toBeDefined();
        }
        expect(c.envFrom).toEqual([{ configMapRef: { name: configMap.metadata.name } }, { secretRef: { name: exampleSecret.metadata.name } }]);
      }
    }
  });

  it("gives gateways a grace period longer than the preStop pause plus the shutdown drain", () => {
    const preStopSeconds = (d: Obj) => {
      const command: string[] = container(d).lifecycle?.preStop?.exec?.command ?? [];
      return command[0] === "sleep" ? Number(command[1]) : 0;
    };
    const gateway = deployments.find((d) => roleOf(d) === "gateway")!;
    const drainSeconds = Math.ceil(gatewayShutdownDrainMs(configMap.data) / 1000);
    expect(preStopSeconds(gateway)).toBeGreaterThanOrEqual(5);
    // Then the call slots' release and the database close: at least 10 s more.
    expect(gateway.spec.template.spec.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(preStopSeconds(gateway) + drainSeconds + 10);
    for (const d of deployments) expect(d.spec.template.spec.terminationGracePeriodSeconds ?? 30).toBeGreaterThan(preStopSeconds(d));
  });

  it("has one PodDisruptionBudget per Deployment, never blocking a drain", () => {
    const budgets = ofKind("PodDisruptionBudget");
    for (const d of deployments) {
      const mine = budgets.filter((b) => matches(b.spec.selector.matchLabels, d.spec.template.metadata.labels));
      expect(mine.length, d.metadata.name).toBe(1);
      const hpa = ofKind("HorizontalPodAutoscaler").find((h) => h.spec.scaleTargetRef.name === d.metadata.name);
      const fewest = hpa?.spec.minReplicas ?? d.spec.replicas ?? 1;
      if (mine[0]!.spec.minAvailable !== undefined) expect(fewest, d.metadata.name).toBeGreaterThan(mine[0]!.spec.minAvailable);
    }
    expect(budgets).toHaveLength(deployments.length);
  });

  it("autoscales gateways on the live-calls gauge (served by prometheus-adapter) and the api on CPU", () => {
    const hpas = ofKind("HorizontalPodAutoscaler");
    for (const h of hpas) {
      const target = named(h.spec.scaleTargetRef.kind, h.spec.scaleTargetRef.name);
      expect(target, h.metadata.name).toBeDefined();
      // The autoscaler owns replicas: a Deployment listing them would be reset by every apply.
      expect(target!.spec.replicas, `${target!.metadata.name} sets replicas`).toBeUndefined();
    }
    const gatewayName = deployments.find((d) => roleOf(d) === "gateway")!.metadata.name;
    const apiName = deployments.find((d) => roleOf(d) === "api")!.metadata.name;
    const gatewayHpa = hpas.find((h) => h.spec.scaleTargetRef.name === gatewayName)!;
    const podsMetric = gatewayHpa.spec.metrics.find((m: { type: string }) => m.type === "Pods").pods.metric.name as string;
    expect(definedOrbisMetrics()).toContain(podsMetric);
    const adapter = yamlDocuments("deploy/monitoring/prometheus-adapter-values.yaml")[0] as {
      rules: { custom: { seriesQuery: string; name: { as: string } }[] };
    };
    const rule = adapter.rules.custom.find((r) => r.name.as === podsMetric);
    expect(rule, "prometheus-adapter serves the HPA's metric").toBeDefined();
    expect(metricsInPromql(rule!.seriesQuery).every((m) => definedOrbisMetrics().has(m))).toBe(true);
    const apiHpa = hpas.find((h) => h.spec.scaleTargetRef.name === apiName)!;
    expect(apiHpa.spec.metrics[0]).toMatchObject({ type: "Resource", resource: { name: "cpu" } });
  });

  it("routes /v1/stream and /v1/telephony to the gateway Service with hour-long timeouts, the rest to the api", () => {
    const routes = ofKind("Ingress").flatMap((ing) =>
      ing.spec.rules.flatMap(
        (rule: { http: { paths: { path: string; pathType: string; backend: { service: { name: string; port: { name: string } } } }[] } }) =>
          rule.http.paths.map((p) => ({ ingress: ing, path: p.path, type: p.pathType, service: p.backend.service })),
      ),
    );
    const serviceOf = (path: string) => routes.find((r) => r.path === path);
    const gatewayService = ofKind("Service").find((s) => s.spec.selector["app.kubernetes.io/component"] === "gateway")!.metadata.name;
    const apiService = ofKind("Service").find((s) => s.spec.selector["app.kubernetes.io/component"] === "api")!.metadata.name;
    expect(serviceOf("/v1/stream")?.service.name).toBe(gatewayService);
    expect(serviceOf("/v1/telephony")).toMatchObject({ type: "Prefix", service: { name: gatewayService } });
    expect(serviceOf("/")).toMatchObject({ type: "Prefix", service: { name: apiService } });
    for (const path of ["/v1/stream", "/v1/telephony"]) {
      const annotations = serviceOf(path)!.ingress.metadata.annotations ?? {};
      expect(Number(annotations["nginx.ingress.kubernetes.io/proxy-read-timeout"])).toBeGreaterThanOrEqual(3600);
      expect(Number(annotations["nginx.ingress.kubernetes.io/proxy-send-timeout"])).toBeGreaterThanOrEqual(3600);
    }
    for (const r of routes) {
      const service = named("Service", r.service.name);
      expect(service, r.service.name).toBeDefined();
      expect(service!.spec.ports.map((p: { name: string }) => p.name)).toContain(r.service.port.name);
    }
  });

  it("points every Service at a Deployment's pods and at ports its container names", () => {
    for (const s of ofKind("Service")) {
      const d = deployments.find((dep) => matches(s.spec.selector, dep.spec.template.metadata.labels));
      expect(d, s.metadata.name).toBeDefined();
      const names = container(d!).ports.map((p: { name: string }) => p.name);
      for (const port of s.spec.ports) expect(names, `${s.metadata.name}:${port.name}`).toContain(port.targetPort);
    }
  });

  it("configures with names packages/config reads and values every role accepts", () => {
    const names = configVariableNames();
    const env = { ...configMap.data, ...exampleSecret.stringData } as Record<string, string>;
    expect(Object.keys(env).filter((k) => !names.has(k))).toEqual([]);
    for (const required of ["JWT_SECRET", "ENCRYPTION_KEY", "DATABASE_URL", "REDIS_URL"]) expect(exampleSecret.stringData).toHaveProperty(required);
    // The example's placeholders replaced by real-looking secrets, as an operator would.
    const filled = { ...env, JWT_SECRET: SAMPLE_SECRETS.JWT_SECRET, ENCRYPTION_KEY: SAMPLE_SECRETS.ENCRYPTION_KEY };
    for (const role of ["api", "gateway", "worker"] as const) expect(() => loadConfig(role, filled), role).not.toThrow();
    // The production overlay's ConfigMap patch too.
    const overlay = objectsOf(`${PRODUCTION}/config.yaml`)[0]!.data as Record<string, string>;
    expect(Object.keys(overlay).filter((k) => !names.has(k))).toEqual([]);
    expect(() => loadConfig("api", { ...filled, ...overlay })).not.toThrow();
  });

  it("keeps the optional ServiceMonitor out of every kustomization, selecting Services by a port they have", () => {
    const [monitor] = objectsOf(`${OPTIONAL}/servicemonitor.yaml`);
    expect(monitor).toMatchObject({ apiVersion: "monitoring.coreos.com/v1", kind: "ServiceMonitor" });
    const selected = ofKind("Service").filter((s) => matches(monitor!.spec.selector.matchLabels, s.metadata.labels));
    expect(selected.length).toBe(deployments.length);
    for (const s of selected) expect(s.spec.ports.map((p: { name: string }) => p.name)).toContain(monitor!.spec.endpoints[0].port);
  });
});

// ---- docker-compose.yml -----------------------------------------------------------------------------

interface ComposeService {
  image?: string;
  command?: string[];
  environment?: Record<string, string>;
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
  networks?: string[];
  volumes?: string[];
  restart?: string;
  ports?: string[];
}
const compose = yamlDocuments("deploy/docker-compose.yml")[0] as {
  services: Record<string, ComposeService>;
  networks: Record<string, unknown>;
  volumes: Record<string, unknown>;
};
const services = Object.entries(compose.services);
const orbisServices = services.filter(([, s]) => s.image?.includes("orbisvoice"));
const envExample = Object.fromEntries(
  read("deploy/.env.example")
    .split("\n")
    .filter((line) => /^[A-Z_]+=/.test(line))
    .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
);

/** `${VAR}`, `${VAR:-default}`, `${VAR:?message}` as Compose interpolates them, from `vars`. */
function interpolate(value: string, vars: Record<string, string>): string {
  return value.replace(/\$\{([A-Z_]+)(?::([-?])([^}]*))?\}/g, (_, name: string, op: string | undefined, rest: string) => {
    const set = vars[name];
    if (set) return set;
    if (op === "?") throw new Error(`${name} is required: ${rest}`);
    return op === "-" ? rest : "";
  });
}

describe("docker-compose.yml", () => {
  it("runs PostgreSQL, Redis, a one-shot migration, api ×2, gateway ×2 and a worker", () => {
    const roles = orbisServices.map(([, s]) => (s.command?.[0] === "start" ? s.command[2] : s.command?.[0])).sort();
    expect(roles).toEqual(["api", "api", "gateway", "gateway", "migrate", "worker"]);
    expect(compose.services.postgres?.image).toMatch(/^postgres:1[56]/);
    expect(compose.services.redis?.image).toMatch(/^redis:/);
  });

  it("gives every long-running service a health check; the one-shot migration does not restart", () => {
    for (const [name, s] of services) {
      if (s.command?.[0] === "migrate") expect(s.restart, name).toBe("no");
      else expect(s.healthcheck?.test?.length, `${name} has no healthcheck`).toBeGreaterThan(0);
    }
  });

  it("starts services after what they depend on is healthy (or, for the migration, completed)", () => {
    for (const [name, s] of services) {
      for (const [target, { condition }] of Object.entries(s.depends_on ?? {})) {
        const other = compose.services[target];
        expect(other, `${name} depends on unknown ${target}`).toBeDefined();
        if (condition === "service_healthy") expect(other!.healthcheck, `${target} has no healthcheck`).toBeDefined();
        else expect(condition, `${name} → ${target}`).toBe("service_completed_successfully");
        if (condition === "service_completed_successfully") expect(other!.restart).toBe("no");
      }
    }
    for (const [name, s] of orbisServices)
      if (s.command?.[0] === "start") expect(s.depends_on?.migrate?.condition, name).toBe("service_completed_successfully");
  });

  it("declares every network and named volume it uses", () => {
    for (const [name, s] of services) {
      for (const n of s.networks ?? []) expect(compose.networks, `${name}: network ${n}`).toHaveProperty(n);
      for (const v of s.volumes ?? []) {
        const source = v.split(":")[0]!;
        if (!source.startsWith(".") && !source.startsWith("/")) expect(compose.volumes, `${name}: volume ${source}`).toHaveProperty(source);
        else expect(existsSync(join(ROOT, "deploy", source)), `${name}: ${source}`).toBe(true);
      }
    }
  });

  it("configures with names packages/config reads, values each role accepts once .env is filled in", () => {
    const names = configVariableNames();
    const vars = {
      ...envExample,
      JWT_SECRET: SAMPLE_SECRETS.JWT_SECRET,
      ENCRYPTION_KEY: SAMPLE_SECRETS.ENCRYPTION_KEY,
      POSTGRES_PASSWORD: SAMPLE_SECRETS.POSTGRES_PASSWORD,
    };
    for (const [name, s] of orbisServices) {
      const env = Object.fromEntries(Object.entries(s.environment ?? {}).map(([k, v]) => [k, interpolate(String(v), vars)]));
      expect(
        Object.keys(env).filter((k) => !names.has(k)),
        name,
      ).toEqual([]);
      const role = (s.command?.[0] === "start" ? s.command[2] : "worker") as Role;
      expect(() => loadConfig(role, env), name).not.toThrow();
    }
  });

  it("refuses to start without the secrets .env.example lists as required", () => {
    const required = new Set([...read("deploy/docker-compose.yml").matchAll(/\$\{([A-Z_]+):\?/g)].map((m) => m[1]!));
    expect([...required].sort()).toEqual(["ENCRYPTION_KEY", "JWT_SECRET", "POSTGRES_PASSWORD"]);
    for (const name of required) expect(envExample, name).toHaveProperty(name);
    expect(() => interpolate("${JWT_SECRET:?set it}", {})).toThrow(/JWT_SECRET/);
  });

  it("has nginx send the voice paths to the gateways (WebSocket upgrade, hour-long reads) and the rest to the api", () => {
    const conf = read("deploy/nginx/nginx.conf");
    const upstream = (name: string) =>
      [...(new RegExp(`upstream ${name} \\{([^}]*)\\}`).exec(conf)?.[1] ?? "").matchAll(/server ([\w-]+):(\d+)/g)].map((m) => ({ host: m[1]!, port: m[2]! }));
    const location = (match: string) => new RegExp(`location ${match.replaceAll("/", "\\/")} \\{([^}]*)\\}`).exec(conf)?.[1] ?? "";
    const nginx = compose.services.nginx!;
    for (const [name, role] of [
      ["gateway", "gateway"],
      ["api", "api"],
    ] as const) {
      const servers = upstream(name);
      expect(servers.length).toBe(2);
      for (const { host, port } of servers) {
        const s = compose.services[host];
        expect(s?.command?.[2], host).toBe(role);
        expect(s!.environment?.PORT).toBe(port);
        expect(
          s!.networks?.some((n) => nginx.networks?.includes(n)),
          `nginx cannot reach ${host}`,
        ).toBe(true);
      }
    }
    for (const voice of ["= /v1/stream", "/v1/telephony/"]) {
      const block = location(voice);
      expect(block, voice).toContain("proxy_pass http://gateway;");
      expect(block).toContain("proxy_set_header Upgrade $http_upgrade;");
      expect(block).toContain("proxy_set_header Connection $connection_upgrade;");
      expect(Number(/proxy_read_timeout (\d+)s/.exec(block)?.[1])).toBeGreaterThanOrEqual(3600);
      expect(block).toContain("proxy_set_header X-Forwarded-For");
    }
    expect(location("/")).toContain("proxy_pass http://api;");
    // `server … resolve` in an upstream needs nginx 1.27.3 or later: the image is 1.28 or later.
    if (/ resolve /.test(conf)) {
      const [major, minor] = (/^nginx:(\d+)\.(\d+)/.exec(nginx.image ?? "") ?? []).slice(1).map(Number);
      expect(major! > 1 || minor! >= 28, nginx.image).toBe(true);
    }
    expect(nginx.ports?.[0]).toMatch(/:80$/);
  });
});

// ---- Dockerfile ---------------------------------------------------------------------------------------

const dockerfile = read("deploy/Dockerfile");
const instructions = dockerfile
  .replace(/\\\n/g, " ")
  .split("\n")
  .map((line) => line.trim())
  .filter((line) => line && !line.startsWith("#"));
const stages = instructions.reduce<string[][]>((acc, line) => {
  if (/^FROM /i.test(line)) acc.push([line]);
  else acc.at(-1)?.push(line);
  return acc;
}, []);
const stageNamed = (name: string) => stages.find((s) => new RegExp(` AS ${name}$`, "i").test(s[0]!)) ?? [];
const runtime = stages.at(-1)!;

describe("deploy/Dockerfile", () => {
  it("builds in stages and runs on node:20-bookworm-slim as a non-root user", () => {
    expect(stages.length).toBeGreaterThanOrEqual(3);
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:20-bookworm-slim$/m);
    expect(runtime[0]).toMatch(/^FROM \$\{NODE_IMAGE\} AS runtime$/);
    const user = runtime.filter((l) => l.startsWith("USER ")).at(-1);
    expect(user).toBeDefined();
    expect(user).not.toMatch(/^USER (root|0)(:|$)/);
  });

  it("installs the offline recogniser in the runtime image and builds the web assets in another stage", () => {
    expect(runtime.some((l) => /^RUN .*apt-get install .*libpocketsphinx3 .*pocketsphinx-en-us/.test(l))).toBe(true);
    expect(stageNamed("build")).toContain("RUN npm run build");
    expect(stageNamed("prod-deps").some((l) => l.includes("npm ci --omit=dev"))).toBe(true);
    expect(runtime).toContain("COPY --from=build /app/apps/web/dist ./apps/web/dist");
    expect(runtime).toContain("COPY --from=build /app/apps/widget/dist ./apps/widget/dist");
  });

  it("runs the orbis CLI through the tsx loader, checks /healthz, and starts a role from its arguments", () => {
    expect(runtime).toContain('ENTRYPOINT ["node", "--import", "tsx", "apps/cli/src/main.ts"]');
    expect(runtime.find((l) => l.startsWith("HEALTHCHECK "))).toContain("/healthz");
    expect(runtime).toContain('CMD ["start", "--role", "all"]');
    expect(read("package.json")).toContain("tsx apps/cli/src/main.ts start");
  });

  it("copies every workspace's package.json before npm ci, so the dependency layer is complete", () => {
    const deps = stageNamed("deps");
    const workspaces = ["apps", "packages"].flatMap((group) =>
      readdirSync(join(ROOT, group))
        .filter((ws) => existsSync(join(ROOT, group, ws, "package.json")))
        .map((ws) => `${group}/${ws}`),
    );
    for (const ws of workspaces) expect(deps, ws).toContain(`COPY ${ws}/package.json ${ws}/`);
  });

  it("brings tsx and everything it needs from the lockfile into the production dependencies", () => {
    const lock = JSON.parse(read("package-lock.json")) as { packages: Record<string, { dev?: boolean; dependencies?: Record<string, string> }> };
    // Node's resolution over the lockfile's paths: nearest node_modules first, then outwards.
    const resolveFrom = (from: string, name: string) => {
      let dir = from;
      for (;;) {
        const candidate = `${dir ? `${dir}/` : ""}node_modules/${name}`;
        if (lock.packages[candidate]) return candidate;
        if (!dir) return undefined;
        const up = dir.lastIndexOf("/node_modules/");
        dir = up === -1 ? "" : dir.slice(0, up);
      }
    };
    const closure = new Set<string>();
    const visit = (path: string) => {
      if (closure.has(path)) return;
      closure.add(path);
      for (const dep of Object.keys(lock.packages[path]?.dependencies ?? {})) {
        const found = resolveFrom(path, dep);
        if (found) visit(found);
      }
    };
    visit("node_modules/tsx");
    const copied = stageNamed("prod-deps");
    // Top-level paths of the closure (nested ones travel inside their parent) that npm ci --omit=dev leaves out.
    const needed = [...closure].filter((p) => !p.slice("node_modules/".length).includes("/node_modules/") && lock.packages[p]!.dev);
    expect(needed).toContain("node_modules/tsx");
    for (const path of needed) expect(copied, path).toContain(`COPY --from=deps /app/${path} ./${path}`);
  });

  it("keeps local state, dependencies and secrets out of the build context", () => {
    const ignored = read(".dockerignore").split("\n");
    for (const entry of ["**/node_modules", "**/dist", ".orbis", "**/.env", ".git"]) expect(ignored).toContain(entry);
  });
});

// ---- Grafana ------------------------------------------------------------------------------------------

interface Panel {
  id: number;
  type: string;
  title: string;
  datasource?: { uid: string };
  gridPos: { x: number; w: number };
  targets?: { expr: string }[];
}
const dashboard = JSON.parse(readFileSync(join(ROOT, "deploy/grafana/orbisvoice-dashboard.json"), "utf8")) as {
  panels: Panel[];
  templating: { list: { name: string }[] };
};
const exprs = dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr));

describe("Grafana dashboard (deploy/grafana/orbisvoice-dashboard.json)", () => {
  it("queries only metrics the platform defines (prom-client definitions and its default process metrics)", async () => {
    const registry = new Registry();
    collectDefaultMetrics({ register: registry });
    const defaults = new Set((await registry.getMetricsAsJSON()).map((m) => m.name));
    const orbis = definedOrbisMetrics();
    const known = (name: string) => orbis.has(name) || defaults.has(name) || orbis.has(name.replace(/_(bucket|sum|count)$/, ""));
    const used = new Set(exprs.flatMap(metricsInPromql));
    expect(used.size).toBeGreaterThan(10);
    expect([...used].filter((m) => !known(m))).toEqual([]);
    expect(metricsInPromql("sum(rate(orbis_made_up_total[5m]))").filter((m) => !known(m))).toEqual(["orbis_made_up_total"]);
  });

  it("shows live calls, turn latency p50/p95 per stage, frame delay, errors, provider fallbacks and cost", () => {
    const has = (pattern: RegExp) => exprs.some((e) => pattern.test(e));
    expect(has(/^sum by \(channel\) \(orbis_live_calls\)$/)).toBe(true);
    expect(has(/histogram_quantile\(0\.5, sum by \(le, stage\) \(rate\(orbis_turn_latency_ms_bucket/)).toBe(true);
    expect(has(/histogram_quantile\(0\.95, sum by \(le, stage\) \(rate\(orbis_turn_latency_ms_bucket/)).toBe(true);
    expect(has(/orbis_output_frame_delay_ms_bucket/)).toBe(true);
    expect(has(/orbis_http_errors_total/) && has(/orbis_calls_ended_total\{reason=~"error/)).toBe(true);
    expect(has(/orbis_provider_fallbacks_total/)).toBe(true);
    expect(has(/rate\(orbis_provider_cost_usd_total\[[^\]]+\]\)\) \* 3600/)).toBe(true);
  });

  it("is importable: unique panel ids, panels inside the 24-column grid, one Prometheus data source variable", () => {
    const ids = dashboard.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const p of dashboard.panels) {
      expect(p.gridPos.x + p.gridPos.w, p.title).toBeLessThanOrEqual(24);
      if (p.type !== "row") expect(p.datasource?.uid, p.title).toBe("${datasource}");
    }
    expect(dashboard.templating.list.map((v) => v.name)).toContain("datasource");
  });
});
