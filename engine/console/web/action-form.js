// A form for one action in one status, built from the channel description (GET /v1/channels/{id}):
// required and optional fields, valid values as a dropdown (a list to type into when long or when
// the channel accepts other values), lines where the action takes them. The API is the judge: a
// refused action (422) shows every error with its code next to its field.
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';

/** Lists up to this size are a plain <select>; longer ones a text field with suggestions. */
const SELECT_MAX = 15;

/** `/body/data/carrier` → `carrier`; `/body/lines/0` → `lines`; anything else → null (form-level). */
export function fieldOf(pointer) {
  const m = /^\/body\/data\/([^/]+)/.exec(pointer ?? '');
  if (m) return m[1];
  if (/^\/body\/lines/.test(pointer ?? '')) return 'lines';
  if (pointer === '/body/data/amount') return 'amount';
  return null;
}

function Input({ id, field, value, onChange }) {
  const items = field.values?.items ?? [];
  const common = { id, name: field.name, 'aria-describedby': `${id}-help ${id}-err`, 'aria-invalid': undefined };
  if (field.type === 'boolean') {
    return html`<input ...${common} type="checkbox" checked=${value === true} onChange=${(e) => onChange(e.currentTarget.checked)} />`;
  }
  if (items.length && !field.free_values && items.length <= SELECT_MAX) {
    return html`<select ...${common} value=${value ?? ''} onChange=${(e) => onChange(e.currentTarget.value)}>
      <option value="">${field.required ? 'Choose…' : '(none)'}</option>
      ${items.map((v) => html`<option value=${v.code}>${v.label === v.code ? v.code : `${v.label} (${v.code})`}</option>`)}
    </select>`;
  }
  const numeric = ['integer', 'number', 'amount'].includes(field.type);
  return html`
    <input ...${common} type="text" inputmode=${numeric ? 'decimal' : undefined} list=${items.length ? `${id}-values` : undefined}
      value=${value ?? ''} onInput=${(e) => onChange(e.currentTarget.value)} autocomplete="off" />
    ${items.length ? html`<datalist id=${`${id}-values`}>${items.map((v) => html`<option value=${v.code}>${v.label}</option>`)}</datalist>` : null}`;
}

function fieldHelp(field) {
  const parts = [];
  if (field.description) parts.push(field.description);
  const n = field.values?.items?.length ?? 0;
  if (n) parts.push(field.free_values ? `${n} known values; others accepted` : `one of ${n} values (code or name)`);
  if (field.ignored_when_registered) parts.push(`ignored when the ${field.ignored_when_registered} is a registered one`);
  if (field.pattern) parts.push(`pattern ${field.pattern}`);
  return parts.join(' · ');
}

/** The data to send: empty optional fields left out, numbers as numbers. */
export function dataOf(fields, values) {
  const data = {};
  for (const f of fields) {
    const v = values[f.name];
    if (v === undefined || v === '' || (f.type === 'boolean' && v === false && !f.required)) continue;
    data[f.name] = ['integer', 'number', 'amount'].includes(f.type) && typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v)) ? Number(v) : v;
  }
  return data;
}

/**
 * Fields of `spec` (description.actions[name].by_status[status]) with their errors; `onSubmit(data, lines)`
 * resolves, or rejects with an ApiError whose field errors are shown at their fields.
 */
export function ActionForm({ idPrefix, name, label, spec, lines = [], onSubmit, submitLabel }) {
  const [values, setValues] = useState(() => Object.fromEntries(spec.fields.filter((f) => f.default !== null).map((f) => [f.name, f.default])));
  const [chosenLines, setChosenLines] = useState([]);
  const [amount, setAmount] = useState('');
  const [errors, setErrors] = useState({ byField: {}, general: [] });
  const [problem, setProblem] = useState(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e) => {
    e.preventDefault();
    setBusy(true);
    setErrors({ byField: {}, general: [] });
    setProblem(null);
    try {
      const data = dataOf(spec.fields, values);
      if (spec.partial_amount && amount.trim() !== '') data.amount = Number(amount);
      await onSubmit(data, chosenLines.length ? chosenLines : undefined);
    } catch (err) {
      const byField = {};
      const general = [];
      for (const fe of err.problem?.errors ?? []) {
        const f = fieldOf(fe.field);
        if (f) (byField[f] ??= []).push(fe);
        else general.push(fe);
      }
      setErrors({ byField, general });
      setProblem(err);
    } finally {
      setBusy(false);
    }
  };

  const errorList = (id, list) => html`<div id=${`${id}-err`} class="field-errors" aria-live="polite">
    ${(list ?? []).map((fe) => html`<p class="field-error" data-code=${fe.code}><code>${fe.code}</code> ${fe.message}${fe.suggestion ? html` <em>${fe.suggestion}</em>` : ''}</p>`)}
  </div>`;

  return html`<form class="action-form" data-action=${name} onSubmit=${submit} novalidate>
    <fieldset>
      <legend>${label}</legend>
      ${spec.note ? html`<p class="hint">${spec.note}</p>` : null}
      ${spec.fields.map((f) => {
        const id = `${idPrefix}-${name}-${f.name}`;
        const list = errors.byField[f.name];
        return html`<div class=${`field ${list ? 'invalid' : ''}`} data-field=${f.name}>
          <label for=${id}>${f.label ?? f.name}${f.required ? html` <span class="req" aria-label="required">*</span>` : html` <span class="muted">(optional)</span>`}</label>
          <${Input} id=${id} field=${f} value=${values[f.name]} onChange=${(v) => setValues((s) => ({ ...s, [f.name]: v }))} />
          <div id=${`${id}-help`} class="hint">${fieldHelp(f)}</div>
          ${errorList(id, list)}
        </div>`;
      })}
      ${spec.partial_amount ? html`<div class="field" data-field="amount">
        <label for=${`${idPrefix}-${name}-amount`}>Amount <span class="muted">(optional: partial)</span></label>
        <input id=${`${idPrefix}-${name}-amount`} type="text" inputmode="decimal" value=${amount} onInput=${(e) => setAmount(e.currentTarget.value)} />
        ${errorList(`${idPrefix}-${name}-amount`, errors.byField.amount)}
      </div>` : null}
      ${spec.lines !== 'none' && lines.length ? html`<fieldset class="lines" data-field="lines">
        <legend>Lines ${spec.lines === 'required' ? html`<span class="req">*</span>` : html`<span class="muted">(optional: none = the whole order)</span>`}</legend>
        ${lines.map((l) => html`<label class="inline"><input type="checkbox" checked=${chosenLines.includes(l.id)}
          onChange=${(e) => setChosenLines((s) => (e.currentTarget.checked ? [...s, l.id] : s.filter((x) => x !== l.id)))} /> ${l.id}: ${l.title ?? l.sku} ×${l.quantity}</label>`)}
        ${errorList(`${idPrefix}-${name}-lines`, errors.byField.lines)}
      </fieldset>` : null}
      ${problem ? html`<div class="problem" role="alert">
        <strong>${problem.problem?.title ?? 'Refused'} ${problem.code ? html`<code>${problem.code}</code>` : ''}</strong>
        ${errors.general.length ? html`<ul>${errors.general.map((fe) => html`<li><code>${fe.code}</code> ${fe.message}</li>`)}</ul>` : Object.keys(errors.byField).length ? html`<div>See the fields above.</div>` : html`<div>${problem.message}</div>`}
      </div>` : null}
      <button type="submit" disabled=${busy}>${submitLabel ?? label}</button>
    </fieldset>
  </form>`;
}
