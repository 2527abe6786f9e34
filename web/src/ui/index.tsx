/** The console's small set of building blocks: badges, notices, pager, confirmation dialog. */
import { type ReactNode, useCallback, useEffect, useId, useRef, useState } from "react";
import { messageOf } from "../api.ts";
import {
  fmtNumber,
  GOVERNANCE_LABELS,
  GOVERNANCE_TONES,
  label,
  STATE_LABELS,
  STATE_TONES,
  type Tone,
  WAVE_STATUS_TONES,
} from "../format.ts";

export function Badge({ tone = "neutral", children }: { tone?: Tone; children: ReactNode }) {
  return <span className={`badge badge-${tone}`}>{children}</span>;
}

export function StateBadge({ state }: { state: string }) {
  return <Badge tone={STATE_TONES[state] ?? "neutral"}>{label(STATE_LABELS, state)}</Badge>;
}

export function GovernanceBadge({ governance }: { governance: string }) {
  return (
    <Badge tone={GOVERNANCE_TONES[governance] ?? "neutral"}>{label(GOVERNANCE_LABELS, governance)}</Badge>
  );
}

export function WaveStatusBadge({ status }: { status: string }) {
  return <Badge tone={WAVE_STATUS_TONES[status] ?? "neutral"}>{status}</Badge>;
}

export function Notice({
  tone = "info",
  title,
  children,
  role,
}: {
  tone?: Tone;
  title?: string;
  children?: ReactNode;
  role?: "alert" | "status";
}) {
  return (
    <div className={`notice notice-${tone}`} role={role}>
      {title ? <p className="notice-title">{title}</p> : null}
      {children}
    </div>
  );
}

export function Loading({ what = "Loading" }: { what?: string }) {
  return (
    <p className="loading" role="status">
      {what}…
    </p>
  );
}

export function LoadError({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  return (
    <div className="notice notice-danger" role="alert">
      <p className="notice-title">This could not be loaded</p>
      <p>{messageOf(error)}</p>
      {onRetry ? (
        <button type="button" className="button" onClick={onRetry}>
          Try again
        </button>
      ) : null}
    </div>
  );
}

/**
 * A result of something the user did, announced by screen readers: a status for success,
 * an alert for failure. The region stays in the page so that changes are announced.
 */
export interface Outcome {
  ok: boolean;
  text: string;
}

export function OutcomeMessage({ outcome }: { outcome: Outcome | undefined }) {
  return (
    <div className="outcome" aria-live="polite" role="status">
      {outcome ? (
        <p className={`notice ${outcome.ok ? "notice-ok" : "notice-danger"}`}>
          <span className="visually-hidden">{outcome.ok ? "Done: " : "Failed: "}</span>
          {outcome.text}
        </p>
      ) : null}
    </div>
  );
}

export function PageHeader({
  title,
  lead,
  children,
}: {
  title: string;
  lead?: ReactNode;
  children?: ReactNode;
}) {
  useEffect(() => {
    document.title = `${title} · Ferry`;
  }, [title]);
  return (
    <div className="page-header">
      <div>
        <h1 tabIndex={-1}>{title}</h1>
        {lead ? <p className="lead">{lead}</p> : null}
      </div>
      {children ? <div className="page-actions">{children}</div> : null}
    </div>
  );
}

export function Pager({
  page,
  pageSize,
  total,
  onPage,
  noun = "rows",
}: {
  page: number;
  pageSize: number;
  total: number;
  onPage: (page: number) => void;
  noun?: string;
}) {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const first = total === 0 ? 0 : (page - 1) * pageSize + 1;
  const last = Math.min(total, page * pageSize);
  const [jump, setJump] = useState(String(page));
  useEffect(() => setJump(String(page)), [page]);
  const id = useId();
  return (
    <nav className="pager" aria-label={`Pages of ${noun}`}>
      <p className="pager-status">
        {total === 0
          ? `No ${noun}`
          : `${fmtNumber(first)}–${fmtNumber(last)} of ${fmtNumber(total)} ${noun} · page ${fmtNumber(page)} of ${fmtNumber(pages)}`}
      </p>
      <div className="pager-buttons">
        <button type="button" className="button" disabled={page <= 1} onClick={() => onPage(1)}>
          First
        </button>
        <button type="button" className="button" disabled={page <= 1} onClick={() => onPage(page - 1)}>
          Previous
        </button>
        <button type="button" className="button" disabled={page >= pages} onClick={() => onPage(page + 1)}>
          Next
        </button>
        <button type="button" className="button" disabled={page >= pages} onClick={() => onPage(pages)}>
          Last
        </button>
        {pages > 2 ? (
          <form
            className="pager-jump"
            onSubmit={(e) => {
              e.preventDefault();
              const n = Math.min(pages, Math.max(1, Math.floor(Number(jump)) || 1));
              onPage(n);
            }}
          >
            <label htmlFor={id}>Page</label>
            <input
              id={id}
              type="number"
              min={1}
              max={pages}
              value={jump}
              onChange={(e) => setJump(e.target.value)}
              inputMode="numeric"
            />
            <button type="submit" className="button">
              Go
            </button>
          </form>
        ) : null}
      </div>
    </nav>
  );
}

export interface ConfirmOptions {
  title: string;
  body: ReactNode;
  confirm: string;
  /** the other button's label (pages in another language say it in theirs) */
  cancel?: string;
  danger?: boolean;
}

/**
 * A modal confirmation on the native <dialog>: the browser keeps focus inside it, Escape
 * cancels, and focus returns to the button that opened it.
 */
export function useConfirm(): [ReactNode, (options: ConfirmOptions) => Promise<boolean>] {
  const ref = useRef<HTMLDialogElement>(null);
  const [options, setOptions] = useState<ConfirmOptions | undefined>(undefined);
  const resolver = useRef<((ok: boolean) => void) | undefined>(undefined);
  const opener = useRef<Element | null>(null);
  const titleId = useId();

  const close = useCallback((ok: boolean) => {
    ref.current?.close();
    resolver.current?.(ok);
    resolver.current = undefined;
    setOptions(undefined);
    const back = opener.current;
    if (back instanceof HTMLElement) back.focus();
  }, []);

  useEffect(() => {
    if (options && ref.current && !ref.current.open) ref.current.showModal();
  }, [options]);

  const ask = useCallback((o: ConfirmOptions) => {
    opener.current = document.activeElement;
    setOptions(o);
    return new Promise<boolean>((resolve) => {
      resolver.current = resolve;
    });
  }, []);

  const element = (
    <dialog
      ref={ref}
      className="dialog"
      aria-labelledby={titleId}
      onCancel={(e) => {
        e.preventDefault();
        close(false);
      }}
    >
      {options ? (
        <form
          method="dialog"
          onSubmit={(e) => {
            e.preventDefault();
            close(true);
          }}
        >
          <h2 id={titleId}>{options.title}</h2>
          <div className="dialog-body">{options.body}</div>
          <div className="dialog-actions">
            <button type="button" className="button" onClick={() => close(false)}>
              {options.cancel ?? "Cancel"}
            </button>
            <button type="submit" className={`button ${options.danger ? "button-danger" : "button-primary"}`}>
              {options.confirm}
            </button>
          </div>
        </form>
      ) : null}
    </dialog>
  );
  return [element, ask];
}

/** A figure with a caption; for counts shown as a list of bars. */
export function Bar({ value, max, tone = "info" }: { value: number; max: number; tone?: Tone }) {
  const w = max > 0 ? Math.max(0, Math.min(100, (100 * value) / max)) : 0;
  return (
    <span className="bar" aria-hidden="true">
      <span className={`bar-fill bar-${tone}`} style={{ width: `${w}%` }} />
    </span>
  );
}
