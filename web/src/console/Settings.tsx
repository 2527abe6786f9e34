/**
 * Settings: plan defaults, capacities, the helpdesk contact people see, quiet hours, and the
 * connections (secrets write-only: the API says only whether one is set). Admins also
 * manage accounts and API tokens here. Auditors see everything read-only.
 */
import { type FormEvent, useId, useState } from "react";
import { api, messageOf } from "../api.ts";
import { fmtDateTime } from "../format.ts";
import { useLoad } from "../hooks.ts";
import type { Account, ApiTokenInfo, Configured, Role, Settings } from "../types.ts";
import { LoadError, Loading, type Outcome, OutcomeMessage, PageHeader, useConfirm } from "../ui/index.tsx";
import { useSession } from "./session.ts";

type FieldType =
  | "number"
  | "percent"
  | "text"
  | "email"
  | "url"
  | "tel"
  | "select"
  | "checkbox"
  | "time"
  | "secret"
  | "optional-number";

interface FieldDef {
  name: string;
  label: string;
  type: FieldType;
  options?: [string, string][];
  min?: number;
  max?: number;
  step?: number;
  hint?: string;
}

const d = (name: string, text: string, min: number, max: number, hint?: string, step = 0.5): FieldDef => ({
  name,
  label: text,
  type: "number",
  min,
  max,
  step,
  ...(hint ? { hint } : {}),
});

const SECTIONS: {
  key: keyof Settings;
  sub?: "source" | "graph" | "smtp";
  title: string;
  lead: string;
  fields: FieldDef[];
}[] = [
  {
    key: "waves",
    title: "Wave defaults",
    lead: "Used when waves are planned; each wave keeps the values it was planned with.",
    fields: [
      {
        name: "caMode",
        label: "Intune CA",
        type: "select",
        options: [
          ["grace", "After a grace period"],
          ["immediate", "Immediately after the old CA is lifted"],
        ],
      },
      d(
        "gracePeriodDays",
        "Grace period (days)",
        0,
        90,
        "From the confirmed exclusion to Intune enforcement",
      ),
      d("announceLeadDays", "Announcement lead (days)", 0, 60, "From the announcement to the handover"),
      d("unenrollDeadlineDays", "Self-service deadline (days)", 1, 90, "Then Ferry retires remotely"),
      d("reminderEveryDays", "Days between reminders", 0.25, 30, undefined, 0.25),
      { name: "maxReminders", label: "Reminders at most", type: "number", min: 0, max: 10, step: 1 },
      {
        name: "successThreshold",
        label: "Success gate (%)",
        type: "percent",
        min: 0,
        max: 100,
        step: 1,
        hint: "Share migrated before the next wave starts",
      },
      d(
        "appleDeadlineDays",
        "Apple ADE deadline (days)",
        1,
        90,
        "Given in Apple Business Manager, 90 at most",
      ),
    ],
  },
  {
    key: "planning",
    title: "Planning",
    lead: "How the planner cuts waves.",
    fields: [
      d("waveSpacingDays", "Days between waves", 1, 90),
      { name: "pilotShare", label: "Pilot share (%)", type: "percent", min: 0, max: 100, step: 0.5 },
      {
        name: "vipPlacement",
        label: "VIPs",
        type: "select",
        options: [
          ["own-wave", "In a wave of their own"],
          ["with-group", "With their group"],
          ["last-wave", "In the last wave"],
        ],
      },
      {
        name: "maxPeoplePerWave",
        label: "At most people per wave",
        type: "optional-number",
        min: 1,
        step: 1,
        hint: "Empty: sized by capacity only",
      },
    ],
  },
  {
    key: "capacity",
    title: "Capacity",
    lead: "Waves are sized so neither the helpdesk nor the APIs are overrun.",
    fields: [
      { name: "ticketsPerDay", label: "Helpdesk tickets per day", type: "number", min: 1, step: 1 },
      {
        name: "helpShare",
        label: "People expected to need help (%)",
        type: "percent",
        min: 0.1,
        max: 100,
        step: 0.1,
      },
      { name: "apiRequestsPerDay", label: "API requests per day", type: "number", min: 1, step: 1 },
      {
        name: "requestsPerPerson",
        label: "API requests per person",
        type: "number",
        min: 0.1,
        max: 1000,
        step: 0.1,
      },
    ],
  },
  {
    key: "helpdesk",
    title: "Helpdesk contact",
    lead: "Shown to people in their portal and e-mails.",
    fields: [
      { name: "name", label: "Name", type: "text" },
      { name: "email", label: "E-mail", type: "email" },
      { name: "phone", label: "Phone", type: "tel" },
      { name: "url", label: "Web page", type: "url" },
      { name: "hours", label: "Opening hours", type: "text", hint: "e.g. Mon–Fri 8:00–18:00" },
    ],
  },
  {
    key: "quietHours",
    title: "Quiet hours",
    lead: "No e-mail is sent in this window; messages wait until it ends.",
    fields: [
      { name: "enabled", label: "Hold e-mail during quiet hours", type: "checkbox" },
      { name: "start", label: "From", type: "time" },
      { name: "end", label: "Until", type: "time" },
      {
        name: "timeZone",
        label: "Time zone",
        type: "text",
        hint: '"recipient" (each person\'s own) or an IANA zone such as Europe/London',
      },
    ],
  },
  {
    key: "connections",
    sub: "source",
    title: "Old product connection",
    lead: "Secrets are write-only: type a new value to replace one.",
    fields: [
      {
        name: "vendor",
        label: "Product",
        type: "select",
        options: [
          ["simulated", "Simulated organisation"],
          ["workspace-one", "Workspace ONE UEM"],
          ["ivanti-epmm", "Ivanti EPMM"],
          ["jamf-pro", "Jamf Pro"],
          ["maas360", "IBM MaaS360"],
          ["csv", "CSV export"],
        ],
      },
      { name: "baseUrl", label: "API address", type: "url" },
      { name: "username", label: "User name", type: "text" },
      { name: "clientId", label: "Client id", type: "text" },
      { name: "password", label: "Password", type: "secret" },
      { name: "clientSecret", label: "Client secret", type: "secret" },
      { name: "apiKey", label: "API key", type: "secret" },
    ],
  },
  {
    key: "connections",
    sub: "graph",
    title: "Microsoft Graph (Intune, Entra ID)",
    lead: "The app registration Ferry uses.",
    fields: [
      { name: "tenantId", label: "Tenant id", type: "text" },
      { name: "clientId", label: "Client id", type: "text" },
      { name: "authority", label: "Authority", type: "url" },
      { name: "clientSecret", label: "Client secret", type: "secret" },
    ],
  },
  {
    key: "connections",
    sub: "smtp",
    title: "Mail server (SMTP)",
    lead: "Where Ferry's e-mails leave from.",
    fields: [
      { name: "host", label: "Host", type: "text" },
      { name: "port", label: "Port", type: "number", min: 1, max: 65535, step: 1 },
      { name: "secure", label: "TLS from the start (port 465)", type: "checkbox" },
      { name: "username", label: "User name", type: "text" },
      { name: "from", label: "From address", type: "text" },
      { name: "password", label: "Password", type: "secret" },
    ],
  },
];

export function SettingsPage() {
  const { can } = useSession();
  const settings = useLoad((signal) => api.get<Settings>("/api/settings", undefined, signal), "settings");
  const [outcome, setOutcome] = useState<Outcome | undefined>(undefined);
  const s = settings.data;
  const writable = can("settings.write");
  return (
    <>
      <PageHeader
        title="Settings"
        lead={
          s?.updatedAt
            ? `Last changed ${fmtDateTime(s.updatedAt)} by ${s.updatedBy ?? "?"}.`
            : writable
              ? "Defaults are in use."
              : "Read-only for your role."
        }
      />
      <OutcomeMessage outcome={outcome} />
      {settings.error ? <LoadError error={settings.error} onRetry={settings.reload} /> : null}
      {!s && !settings.error ? <Loading what="Loading settings" /> : null}
      {s ? (
        <div className="settings-grid">
          {SECTIONS.map((section) => (
            <SectionForm
              key={`${section.key}:${section.sub ?? ""}`}
              section={section}
              values={
                (section.sub ? s.connections[section.sub] : s[section.key]) as unknown as Record<
                  string,
                  unknown
                >
              }
              writable={writable}
              onSaved={(o) => {
                setOutcome(o);
                if (o.ok) settings.reload();
              }}
            />
          ))}
        </div>
      ) : null}
      {can("accounts.manage") ? <Accounts /> : null}
      {can("accounts.manage") ? <Tokens /> : null}
    </>
  );
}

function SectionForm({
  section,
  values,
  writable,
  onSaved,
}: {
  section: (typeof SECTIONS)[number];
  values: Record<string, unknown>;
  writable: boolean;
  onSaved: (o: Outcome) => void;
}) {
  const id = useId();
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const out: Record<string, unknown> = {};
    for (const f of section.fields) {
      const raw = form.get(f.name);
      switch (f.type) {
        case "checkbox":
          out[f.name] = raw === "on";
          break;
        case "number":
          out[f.name] = Number(raw);
          break;
        case "percent":
          out[f.name] = Number(raw) / 100;
          break;
        case "optional-number":
          out[f.name] = raw === "" || raw === null ? null : Number(raw);
          break;
        case "secret":
          if (form.get(`${f.name}:clear`) === "on") out[f.name] = null;
          else if (typeof raw === "string" && raw !== "") out[f.name] = raw;
          break;
        default:
          out[f.name] = String(raw ?? "");
      }
    }
    const body = section.sub ? { connections: { [section.sub]: out } } : { [section.key]: out };
    setBusy(true);
    try {
      await api.patch<Settings>("/api/settings", body);
      onSaved({ ok: true, text: `${section.title} saved.` });
      for (const f of section.fields)
        if (f.type === "secret") {
          const input = e.currentTarget.elements.namedItem(f.name);
          if (input instanceof HTMLInputElement) input.value = "";
        }
    } catch (err) {
      onSaved({ ok: false, text: `${section.title}: ${messageOf(err)}` });
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="card" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>{section.title}</h2>
      <p className="muted small">{section.lead}</p>
      <form onSubmit={submit}>
        <fieldset disabled={!writable || busy} className="plain-fieldset">
          <legend className="visually-hidden">{section.title}</legend>
          {section.fields.map((f) => (
            <Field key={f.name} id={`${id}-${f.name}`} def={f} value={values[f.name]} />
          ))}
          {writable ? (
            <button type="submit" className="button button-primary">
              Save<span className="visually-hidden"> {section.title}</span>
            </button>
          ) : null}
        </fieldset>
      </form>
    </section>
  );
}

function Field({ id, def, value }: { id: string; def: FieldDef; value: unknown }) {
  const hintId = def.hint ? `${id}-hint` : undefined;
  const hint = def.hint ? (
    <p className="hint" id={hintId}>
      {def.hint}
    </p>
  ) : null;
  if (def.type === "checkbox")
    return (
      <div className="field checkbox">
        <input id={id} name={def.name} type="checkbox" defaultChecked={value === true} />
        <label htmlFor={id}>{def.label}</label>
      </div>
    );
  if (def.type === "select")
    return (
      <div className="field">
        <label htmlFor={id}>{def.label}</label>
        <select id={id} name={def.name} defaultValue={String(value ?? "")}>
          {def.options?.map(([v, t]) => (
            <option key={v} value={v}>
              {t}
            </option>
          ))}
        </select>
        {hint}
      </div>
    );
  if (def.type === "secret") {
    const configured = (value as Configured | undefined)?.configured === true;
    return (
      <div className="field">
        <label htmlFor={id}>
          {def.label} <span className="muted small">({configured ? "set" : "not set"})</span>
        </label>
        <input
          id={id}
          name={def.name}
          type="password"
          autoComplete="new-password"
          placeholder={configured ? "unchanged" : ""}
          aria-describedby={`${id}-secret-hint`}
        />
        <p className="hint" id={`${id}-secret-hint`}>
          Write-only: never shown again.
        </p>
        {configured ? (
          <div className="field checkbox">
            <input id={`${id}-clear`} name={`${def.name}:clear`} type="checkbox" />
            <label htmlFor={`${id}-clear`}>Clear the stored {def.label.toLowerCase()}</label>
          </div>
        ) : null}
      </div>
    );
  }
  const numeric = def.type === "number" || def.type === "percent" || def.type === "optional-number";
  const shown =
    def.type === "percent"
      ? String(Math.round(Number(value) * 1000) / 10)
      : value === null || value === undefined
        ? ""
        : String(value);
  return (
    <div className="field">
      <label htmlFor={id}>{def.label}</label>
      <input
        id={id}
        name={def.name}
        type={numeric ? "number" : def.type}
        defaultValue={shown}
        required={def.type === "number" || def.type === "percent" || def.type === "time"}
        {...(def.min !== undefined ? { min: def.min } : {})}
        {...(def.max !== undefined ? { max: def.max } : {})}
        {...(def.step !== undefined ? { step: def.step } : {})}
        {...(numeric ? { inputMode: "decimal" as const } : {})}
        aria-describedby={hintId}
      />
      {hint}
    </div>
  );
}

const ROLES: Role[] = ["admin", "operator", "helpdesk", "auditor"];

function Accounts() {
  const accounts = useLoad(
    (signal) => api.get<{ accounts: Account[] }>("/api/accounts", undefined, signal),
    "accounts",
  );
  const [outcome, setOutcome] = useState<Outcome | undefined>(undefined);
  const [dialog, confirm] = useConfirm();
  const id = useId();
  const create = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const el = e.currentTarget;
    const form = new FormData(el);
    try {
      const a = await api.post<Account>("/api/accounts", {
        username: String(form.get("username")),
        displayName: String(form.get("displayName") || form.get("username")),
        role: String(form.get("role")),
        password: String(form.get("password")),
      });
      setOutcome({ ok: true, text: `Account ${a.username} (${a.role}) created.` });
      el.reset();
      accounts.reload();
    } catch (err) {
      setOutcome({ ok: false, text: messageOf(err) });
    }
  };
  const change = async (a: Account, body: Partial<Pick<Account, "role" | "disabled">>, text: string) => {
    if (body.disabled) {
      const ok = await confirm({
        title: `Disable ${a.username}?`,
        body: <p>Their sessions end now and they cannot sign in until enabled again.</p>,
        confirm: "Disable",
        danger: true,
      });
      if (!ok) return;
    }
    try {
      await api.patch(`/api/accounts/${encodeURIComponent(a.id)}`, body);
      setOutcome({ ok: true, text });
    } catch (err) {
      setOutcome({ ok: false, text: messageOf(err) });
    }
    accounts.reload();
  };
  return (
    <section className="card" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>Accounts</h2>
      {dialog}
      <OutcomeMessage outcome={outcome} />
      {accounts.error ? <LoadError error={accounts.error} onRetry={accounts.reload} /> : null}
      {accounts.data ? (
        <div className="table-wrap">
          <table className="table">
            <caption className="visually-hidden">Console accounts</caption>
            <thead>
              <tr>
                <th scope="col">User</th>
                <th scope="col">Role</th>
                <th scope="col">Signs in with</th>
                <th scope="col">Last sign-in</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {accounts.data.accounts.map((a) => (
                <tr key={a.id}>
                  <th scope="row">
                    {a.displayName}
                    <div className="muted small">{a.username}</div>
                  </th>
                  <td>
                    <label className="visually-hidden" htmlFor={`${id}-role-${a.id}`}>
                      Role of {a.username}
                    </label>
                    <select
                      id={`${id}-role-${a.id}`}
                      value={a.role}
                      onChange={(e) =>
                        change(a, { role: e.target.value as Role }, `${a.username} is now ${e.target.value}.`)
                      }
                    >
                      {ROLES.map((r) => (
                        <option key={r} value={r}>
                          {r}
                        </option>
                      ))}
                    </select>
                  </td>
                  <td>
                    {[a.password ? "password" : null, a.oidc ? "OpenID Connect" : null]
                      .filter(Boolean)
                      .join(", ")}
                  </td>
                  <td>{a.lastSignInAt ? fmtDateTime(a.lastSignInAt) : "never"}</td>
                  <td>
                    <button
                      type="button"
                      className={a.disabled ? "button" : "button button-danger-quiet"}
                      onClick={() =>
                        change(
                          a,
                          { disabled: !a.disabled },
                          `${a.username} ${a.disabled ? "enabled" : "disabled"}.`,
                        )
                      }
                    >
                      {a.disabled ? "Enable" : "Disable"}
                      <span className="visually-hidden"> {a.username}</span>
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <h3>New account</h3>
      <form className="grid-fields" onSubmit={create}>
        <div className="field">
          <label htmlFor={`${id}-u`}>User name</label>
          <input id={`${id}-u`} name="username" required autoComplete="off" autoCapitalize="none" />
        </div>
        <div className="field">
          <label htmlFor={`${id}-n`}>Display name</label>
          <input id={`${id}-n`} name="displayName" autoComplete="off" />
        </div>
        <div className="field">
          <label htmlFor={`${id}-r`}>Role</label>
          <select id={`${id}-r`} name="role" defaultValue="helpdesk">
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-p`}>Password (12+ characters)</label>
          <input
            id={`${id}-p`}
            name="password"
            type="password"
            minLength={12}
            required
            autoComplete="new-password"
          />
        </div>
        <div className="field field-submit">
          <button type="submit" className="button button-primary">
            Create account
          </button>
        </div>
      </form>
    </section>
  );
}

function Tokens() {
  const tokens = useLoad(
    (signal) => api.get<{ tokens: ApiTokenInfo[] }>("/api/tokens", undefined, signal),
    "tokens",
  );
  const [outcome, setOutcome] = useState<Outcome | undefined>(undefined);
  const [created, setCreated] = useState<string | undefined>(undefined);
  const [dialog, confirm] = useConfirm();
  const id = useId();
  const create = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const el = e.currentTarget;
    const form = new FormData(el);
    const days = String(form.get("days") ?? "");
    try {
      const t = await api.post<ApiTokenInfo & { token: string }>("/api/tokens", {
        name: String(form.get("name")),
        role: String(form.get("role")),
        ...(days ? { expiresInDays: Number(days) } : {}),
      });
      setCreated(t.token);
      setOutcome({ ok: true, text: `Token ${t.name} created. Copy it now: it is not shown again.` });
      el.reset();
      tokens.reload();
    } catch (err) {
      setOutcome({ ok: false, text: messageOf(err) });
    }
  };
  const revoke = async (t: ApiTokenInfo) => {
    const ok = await confirm({
      title: `Revoke ${t.name}?`,
      body: <p>Scripts using it stop working at once.</p>,
      confirm: "Revoke",
      danger: true,
    });
    if (!ok) return;
    try {
      await api.del(`/api/tokens/${encodeURIComponent(t.id)}`);
      setOutcome({ ok: true, text: `${t.name} revoked.` });
    } catch (err) {
      setOutcome({ ok: false, text: messageOf(err) });
    }
    tokens.reload();
  };
  return (
    <section className="card" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>API tokens</h2>
      {dialog}
      <OutcomeMessage outcome={outcome} />
      {created ? (
        <div className="field">
          <label htmlFor={`${id}-new`}>New token (shown once)</label>
          <input
            id={`${id}-new`}
            readOnly
            value={created}
            className="mono"
            onFocus={(e) => e.currentTarget.select()}
          />
        </div>
      ) : null}
      {tokens.data && tokens.data.tokens.length > 0 ? (
        <div className="table-wrap">
          <table className="table">
            <caption className="visually-hidden">API tokens</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Role</th>
                <th scope="col">Starts with</th>
                <th scope="col">Expires</th>
                <th scope="col">Last used</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {tokens.data.tokens.map((t) => (
                <tr key={t.id}>
                  <th scope="row">{t.name}</th>
                  <td>{t.role}</td>
                  <td className="mono">{t.prefix}…</td>
                  <td>{t.expiresAt ? fmtDateTime(t.expiresAt) : "never"}</td>
                  <td>{t.lastUsedAt ? fmtDateTime(t.lastUsedAt) : "never"}</td>
                  <td>
                    {t.revokedAt ? (
                      <span className="muted">revoked {fmtDateTime(t.revokedAt)}</span>
                    ) : (
                      <button type="button" className="button button-danger-quiet" onClick={() => revoke(t)}>
                        Revoke<span className="visually-hidden"> {t.name}</span>
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <h3>New token</h3>
      <form className="grid-fields" onSubmit={create}>
        <div className="field">
          <label htmlFor={`${id}-name`}>Name</label>
          <input id={`${id}-name`} name="name" required autoComplete="off" />
        </div>
        <div className="field">
          <label htmlFor={`${id}-role`}>Role</label>
          <select id={`${id}-role`} name="role" defaultValue="auditor">
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-days`}>Expires in (days)</label>
          <input
            id={`${id}-days`}
            name="days"
            type="number"
            min={1}
            max={3650}
            step={1}
            inputMode="numeric"
          />
        </div>
        <div className="field field-submit">
          <button type="submit" className="button button-primary">
            Create token
          </button>
        </div>
      </form>
    </section>
  );
}
