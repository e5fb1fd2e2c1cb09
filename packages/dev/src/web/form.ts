// The run form, built from the target's input JSON Schema (made from its zod schema): a field per
// property, and for `attachments` a file picker and drop zone with previews.
import type { AttachmentUpload, DevTarget, StartRunRequest } from '../server/api-types.js';
import { startRecording } from './recorder.js';

type Schema = {
  type?: string | string[];
  enum?: unknown[];
  default?: unknown;
  description?: string;
  properties?: Record<string, Schema>;
  required?: string[];
};

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, value);
  element.append(...children);
  return element;
}

const typeOf = (schema: Schema) =>
  Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;

function toBase64(bytes: ArrayBuffer): string {
  let binary = '';
  const view = new Uint8Array(bytes);
  for (let i = 0; i < view.length; i += 0x8000)
    binary += String.fromCharCode(...view.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** The attachments widget: a file input and a drop zone; each file is previewed (image shown, audio playable). */
function attachmentsField(files: File[], id: string): HTMLElement {
  const list = h('ul', { class: 'previews', 'aria-live': 'polite' });
  const render = () => {
    list.replaceChildren(
      ...files.map((file, index) => {
        const url = URL.createObjectURL(file);
        const preview = file.type.startsWith('image/')
          ? h('img', { src: url, alt: `preview of ${file.name}` })
          : h('audio', { src: url, controls: '', 'aria-label': `play ${file.name}` });
        const remove = h('button', { type: 'button' }, `Remove ${file.name}`);
        remove.addEventListener('click', () => {
          files.splice(index, 1);
          render();
        });
        return h(
          'li',
          {},
          h('p', {}, `${file.type.startsWith('image/') ? 'Image' : 'Audio'}: ${file.name}`),
          preview,
          remove,
        );
      }),
    );
  };
  const add = (picked: Iterable<File>) => {
    for (const file of picked)
      if (file.type.startsWith('image/') || file.type.startsWith('audio/')) files.push(file);
    render();
  };
  const input = h('input', {
    type: 'file',
    id,
    multiple: '',
    accept: 'image/*,audio/*',
    'aria-describedby': `${id}-hint`,
  });
  input.addEventListener('change', () => {
    add(input.files ?? []);
    input.value = '';
  });
  const zone = h(
    'div',
    { class: 'drop', 'data-testid': 'drop-zone' },
    h(
      'p',
      { class: 'hint', id: `${id}-hint` },
      'Choose files, or drop a screenshot or a voice recording here.',
    ),
    input,
  );
  zone.addEventListener('dragover', (event) => {
    event.preventDefault();
    zone.classList.add('over');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (event) => {
    event.preventDefault();
    zone.classList.remove('over');
    add(event.dataTransfer?.files ?? []);
  });
  return h('fieldset', {}, h('legend', {}, 'Attachments'), zone, recordButton(add), list);
}

/** Records a voice note from the microphone, where the browser allows it, and attaches it as WAV. */
function recordButton(add: (files: File[]) => void): HTMLElement {
  const note = h('span', { role: 'status' });
  const button = h('button', { type: 'button' }, 'Record from the microphone');
  let recording: Awaited<ReturnType<typeof startRecording>> | undefined;
  button.addEventListener('click', () => {
    (async () => {
      if (recording) {
        const file = await recording.stop();
        recording = undefined;
        button.textContent = 'Record from the microphone';
        note.textContent = `Recorded ${file.name}.`;
        add([file]);
        return;
      }
      recording = await startRecording();
      button.textContent = 'Stop recording';
      note.textContent = 'Recording…';
    })().catch((error: Error) => {
      recording = undefined;
      note.textContent = `The browser did not give the microphone: ${error.message}`;
    });
  });
  if (!navigator.mediaDevices?.getUserMedia) button.disabled = true;
  return h('div', { class: 'actions' }, button, note);
}

/** The form for a target; `onSubmit` gets the request to start the run. */
export function runForm(
  target: DevTarget,
  models: string[],
  onSubmit: (request: StartRunRequest) => Promise<void>,
): HTMLFormElement {
  const schema = target.inputSchema as Schema;
  const files: File[] = [];
  const readers: (() => [string, unknown] | undefined)[] = [];
  const form = h('form', { 'aria-label': `Start a run of ${target.name}` });
  const fields = h('fieldset', {}, h('legend', {}, 'Input'));
  for (const [name, property] of Object.entries(schema.properties ?? {})) {
    const id = `field-${name}`;
    const required = schema.required?.includes(name) && property.default === undefined;
    if (name === 'attachments' && typeOf(property) === 'array') {
      form.append(attachmentsField(files, id));
      continue;
    }
    const labelText = `${name}${required ? ' (required)' : ''}`;
    const hint = property.description
      ? h('p', { class: 'hint', id: `${id}-hint` }, property.description)
      : undefined;
    const described: Record<string, string> = hint ? { 'aria-describedby': `${id}-hint` } : {};
    const type = typeOf(property);
    let control: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;
    if (property.enum) {
      control = h(
        'select',
        { id, name, ...described },
        ...property.enum.map((value) => h('option', { value: String(value) }, String(value))),
      );
      if (property.default !== undefined) control.value = String(property.default);
      readers.push(() => [name, control.value]);
    } else if (type === 'boolean') {
      const box = h('input', { id, name, type: 'checkbox', ...described });
      box.checked = property.default === true;
      control = box;
      readers.push(() => [name, box.checked]);
    } else if (type === 'number' || type === 'integer') {
      control = h('input', {
        id,
        name,
        type: 'number',
        ...(type === 'integer' ? { step: '1' } : { step: 'any' }),
        ...described,
      });
      if (property.default !== undefined) control.value = String(property.default);
      readers.push(() => (control.value === '' ? undefined : [name, Number(control.value)]));
    } else if (type === 'string') {
      control = h('input', { id, name, type: 'text', ...described });
      if (property.default !== undefined) control.value = String(property.default);
      readers.push(() => (control.value === '' && !required ? undefined : [name, control.value]));
    } else {
      control = h('textarea', { id, name, rows: '3', ...described });
      control.value = property.default !== undefined ? JSON.stringify(property.default) : '';
      readers.push(() => {
        if (control.value.trim() === '') return undefined;
        try {
          return [name, JSON.parse(control.value)];
        } catch {
          throw new Error(`${name}: write it as JSON`);
        }
      });
    }
    if (required) control.setAttribute('required', '');
    fields.append(h('label', { for: id }, labelText), ...(hint ? [hint] : []), control);
  }
  const model = h('input', {
    id: 'field-model',
    name: 'model',
    type: 'text',
    required: '',
    list: 'model-presets',
    'aria-describedby': 'model-hint',
  });
  model.value = target.model ?? 'tiny';
  fields.append(
    h('label', { for: 'field-model' }, 'Model'),
    h('p', { class: 'hint', id: 'model-hint' }, 'A preset (pick one from the list) or a GGUF path.'),
    model,
    h('datalist', { id: 'model-presets' }, ...models.map((name) => h('option', { value: name }))),
  );
  form.prepend(fields);
  const problem = h('p', { class: 'error', role: 'alert' });
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Start run');
  form.append(h('div', { class: 'actions' }, submit), problem);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    problem.textContent = '';
    submit.disabled = true;
    (async () => {
      const input = Object.fromEntries(readers.map((read) => read()).filter((entry) => entry !== undefined));
      const attachments: AttachmentUpload[] = await Promise.all(
        files.map(async (file) => ({
          kind: file.type.startsWith('image/') ? ('image' as const) : ('audio' as const),
          name: file.name,
          mimeType: file.type,
          data: toBase64(await file.arrayBuffer()),
        })),
      );
      await onSubmit({ target: target.name, model: model.value.trim(), input, attachments });
    })()
      .catch((error: Error) => {
        problem.textContent = error.message;
      })
      .finally(() => {
        submit.disabled = false;
      });
  });
  return form;
}
