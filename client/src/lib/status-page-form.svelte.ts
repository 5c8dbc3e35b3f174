/**
 * The create/edit status page form's state: the page's fields, its components arranged in
 * groups (the public page shows a group as one heading over consecutive components, so the form
 * keeps each group's components together), footer links, the password, client-side checks and
 * the server's verdict on the right field.
 */
import { api, ApiError, messageOf } from './api';
import { judge, withStanding, type Judged } from './form-errors';
import { slugify, type ComponentStatus, type StatusPage } from './status-pages';
import type { MonitorJson } from './types';

export interface ComponentDraft {
  /** Stable across moves: the form's own id (inputs, errors). */
  key: string;
  /** Kept on save so the component (and the incidents that name it) survive. Absent: new. */
  id?: string;
  name: string;
  description: string;
  /** Status set by hand rather than taken from monitors. */
  manual: boolean;
  monitorIds: string[];
  /** The manual status (kept when monitors decide, and used again if they are removed). */
  status: ComponentStatus;
  showUptime: boolean;
  showLatency: boolean;
  /** Its fields are shown (new components, and those with errors, open by themselves). */
  open: boolean;
}

export interface SectionDraft {
  key: string;
  /** Null: components listed without a heading. */
  name: string | null;
  components: ComponentDraft[];
}

export interface LinkDraft {
  key: string;
  label: string;
  url: string;
}

/** Keep the password, set a new one, or remove it (the page becomes public). */
export type PasswordMode = 'keep' | 'set' | 'remove';

export type Errors = Record<string, string>;

const TOP_LABEL: Record<string, string> = {
  title: 'Title',
  slug: 'Address',
  description: 'Description',
  logoUrl: 'Logo',
  brandColor: 'Brand colour',
  customDomain: 'Custom domain',
  password: 'Password',
  customCss: 'Custom CSS',
  components: 'Components',
  footerLinks: 'Footer links',
};

const FIELD_LABEL: Record<string, string> = { name: 'Name', description: 'Description', monitorIds: 'Monitors', status: 'Status', label: 'Label', url: 'URL' };

let nextKey = 0;
const newKey = (prefix: string) => `${prefix}${++nextKey}`;

/** The id of the control showing `path` ("components.c3.name" → "sp-components-c3-name"). */
export const controlId = (path: string) => 'sp-' + path.replace(/[^A-Za-z0-9_-]/g, '-');

export function newComponent(name = ''): ComponentDraft {
  return { key: newKey('c'), name, description: '', manual: false, monitorIds: [], status: 'operational', showUptime: true, showLatency: false, open: true };
}

/** The page's components as sections: each run of consecutive components with the same group. */
function sectionsOf(page: StatusPage | null): SectionDraft[] {
  const out: SectionDraft[] = [];
  for (const c of page?.components ?? []) {
    const draft: ComponentDraft = {
      key: newKey('c'),
      id: c.id,
      name: c.name,
      description: c.description ?? '',
      manual: c.monitorIds.length === 0,
      monitorIds: [...c.monitorIds],
      status: c.status,
      showUptime: c.showUptime,
      showLatency: c.showLatency,
      open: false,
    };
    const last = out[out.length - 1];
    if (last && last.name === c.group) last.components.push(draft);
    else out.push({ key: newKey('g'), name: c.group, components: [draft] });
  }
  return out;
}

export class StatusPageForm {
  readonly orgId: string;
  /** Set when editing. */
  existing = $state.raw<StatusPage | null>(null);
  /** The organization's monitors, to back components with. */
  readonly monitors: MonitorJson[];

  title = $state('');
  slug = $state('');
  /** The slug follows the title until edited by hand (new pages only). */
  slugTouched = $state(false);
  description = $state('');
  logoUrl = $state('');
  brandColor = $state('');
  customDomain = $state('');
  showUptime = $state(true);
  showLatency = $state(false);
  autoIncidents = $state(false);
  customCss = $state('');
  footerLinks = $state<LinkDraft[]>([]);
  sections = $state<SectionDraft[]>([]);
  passwordMode = $state<PasswordMode>('keep');
  password = $state('');

  /** Set by the first submit: from then on, mistakes show (and clear) as the user types. */
  attempted = $state(false);
  /** The server's verdict, each with the value it judged: an error goes away once its field changes. */
  #serverErrors = $state<Judged>({});
  /** A message not tied to a field (network, permissions, a page deleted meanwhile). */
  problem = $state('');
  busy = $state(false);
  /** Said by the live region after a move ("API moved to position 2 of 3 in Core"). */
  announcement = $state('');
  /** Verify is looking for the custom domain's TXT record. */
  verifying = $state(false);
  /** Why the last Verify did not prove the domain; '' when it did, or before any. */
  domainProblem = $state('');
  /** The custom domain as typed is the saved one: its proof (record and token) is the one shown. */
  domainSaved = $derived(!!this.existing?.customDomain && this.customDomain.trim().toLowerCase() === this.existing.customDomain);

  /** The body as it was loaded, to send only what changed and to tell unsaved changes. */
  #initial = $state.raw<Record<string, string>>({});

  /** In page order, as the error summary lists them. */
  errors: Errors = $derived(this.attempted ? this.#inPageOrder(withStanding(this.check(), this.#serverErrors, (path) => this.#valueAt(path))) : {});

  /** Components in page order, each with its group. */
  flat = $derived(this.sections.flatMap((s) => s.components.map((c) => ({ component: c, section: s }))));
  dirty = $derived.by(() => {
    const body = this.#fields();
    return this.passwordMode !== 'keep' || Object.keys(body).some((k) => JSON.stringify(body[k]) !== this.#initial[k]);
  });

  constructor(orgId: string, existing: StatusPage | null, monitors: MonitorJson[]) {
    this.orgId = orgId;
    this.monitors = [...monitors].sort((a, b) => a.name.localeCompare(b.name));
    this.reset(existing);
  }

  /** Fills the form from a page (after loading, and after each save: new components got ids). */
  reset(page: StatusPage | null) {
    this.existing = page;
    this.title = page?.title ?? '';
    this.slug = page?.slug ?? '';
    this.slugTouched = !!page;
    this.description = page?.description ?? '';
    this.logoUrl = page?.logoUrl ?? '';
    this.brandColor = page?.brandColor ?? '';
    this.customDomain = page?.customDomain ?? '';
    this.showUptime = page?.showUptime ?? true;
    this.showLatency = page?.showLatency ?? false;
    this.autoIncidents = page?.autoIncidents ?? false;
    this.customCss = page?.customCss ?? '';
    this.footerLinks = (page?.footerLinks ?? []).map((l) => ({ key: newKey('l'), label: l.label, url: l.url }));
    this.sections = sectionsOf(page);
    this.passwordMode = 'keep';
    this.password = '';
    this.attempted = false;
    this.#serverErrors = {};
    this.problem = '';
    this.domainProblem = '';
    const fields = this.#fields();
    this.#initial = Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, JSON.stringify(v)]));
  }

  setTitle(value: string) {
    this.title = value;
    if (!this.slugTouched) this.slug = slugify(value);
  }

  setSlug(value: string) {
    this.slug = value;
    this.slugTouched = true;
  }

  // ——— Components and groups ———

  #find(key: string): { s: number; c: number } | null {
    for (const [s, section] of this.sections.entries()) {
      const c = section.components.findIndex((x) => x.key === key);
      if (c >= 0) return { s, c };
    }
    return null;
  }

  /** Adds a component at the end of a group (or, without one, at the end of the page, ungrouped); answers its key. */
  addComponent(sectionKey?: string): string {
    const component = newComponent();
    const section = sectionKey ? this.sections.find((s) => s.key === sectionKey) : this.sections.at(-1);
    if (section && (sectionKey || section.name === null)) section.components.push(component);
    else this.sections.push({ key: newKey('g'), name: null, components: [component] });
    return component.key;
  }

  /** Adds an empty named group at the end, with one component; answers the group's key. */
  addGroup(): string {
    const key = newKey('g');
    this.sections.push({ key, name: '', components: [newComponent()] });
    return key;
  }

  removeComponent(key: string) {
    const at = this.#find(key);
    if (!at) return;
    const section = this.sections[at.s]!;
    section.components.splice(at.c, 1);
    if (!section.components.length && section.name === null) this.sections.splice(at.s, 1);
    this.#mergeUngrouped();
  }

  /** Is there a place for the component in that direction? */
  canMove(key: string, dir: -1 | 1): boolean {
    const i = this.flat.findIndex((f) => f.component.key === key);
    const at = this.#find(key);
    if (i < 0 || !at) return false;
    // The first of a group can still leave it upwards into the section before, and so on.
    return dir < 0 ? i > 0 || at.s > 0 : i < this.flat.length - 1 || at.s < this.sections.length - 1;
  }

  /**
   * One step up or down: within its group, or out of it into the neighbouring section (the last
   * place of the group above, the first of the group below).
   */
  moveComponent(key: string, dir: -1 | 1) {
    const at = this.#find(key);
    if (!at) return;
    const section = this.sections[at.s]!;
    const list = section.components;
    const component = list[at.c]!;
    const target = at.c + dir;
    if (target >= 0 && target < list.length) {
      list.splice(at.c, 1);
      list.splice(target, 0, component);
    } else {
      const next = this.sections[at.s + dir];
      if (!next) return;
      list.splice(at.c, 1);
      if (dir < 0) next.components.push(component);
      else next.components.unshift(component);
      if (!list.length && section.name === null) this.sections.splice(at.s, 1);
      this.#mergeUngrouped();
    }
    this.#announce(component.key);
  }

  /** Moves a component to the end of another section (its group picker). */
  moveToSection(key: string, sectionKey: string | null) {
    const at = this.#find(key);
    if (!at) return;
    const from = this.sections[at.s]!;
    const [component] = from.components.splice(at.c, 1);
    if (!from.components.length && from.name === null) this.sections.splice(at.s, 1);
    const target = sectionKey ? this.sections.find((s) => s.key === sectionKey) : undefined;
    if (target) target.components.push(component!);
    else {
      const last = this.sections.at(-1);
      if (last && last.name === null) last.components.push(component!);
      else this.sections.push({ key: newKey('g'), name: null, components: [component!] });
    }
    this.#mergeUngrouped();
    this.#announce(component!.key);
  }

  canMoveSection(key: string, dir: -1 | 1): boolean {
    const i = this.sections.findIndex((s) => s.key === key);
    return i >= 0 && i + dir >= 0 && i + dir < this.sections.length;
  }

  moveSection(key: string, dir: -1 | 1) {
    const i = this.sections.findIndex((s) => s.key === key);
    if (i < 0 || i + dir < 0 || i + dir >= this.sections.length) return;
    const [section] = this.sections.splice(i, 1);
    this.sections.splice(i + dir, 0, section!);
    this.#mergeUngrouped();
    const at = this.sections.findIndex((s) => s.key === key);
    this.announcement = `Group ${section!.name?.trim() || 'Unnamed group'} moved to position ${at + 1} of ${this.sections.length}`;
  }

  /** The group's heading goes; its components stay where they are, without a group. */
  ungroup(key: string) {
    const section = this.sections.find((s) => s.key === key);
    if (!section) return;
    if (!section.components.length) this.sections.splice(this.sections.indexOf(section), 1);
    else section.name = null;
    this.#mergeUngrouped();
  }

  /** Two ungrouped runs side by side are one. */
  #mergeUngrouped() {
    for (let i = this.sections.length - 1; i > 0; i--) {
      const [a, b] = [this.sections[i - 1]!, this.sections[i]!];
      if (a.name === null && b.name === null) {
        a.components.push(...b.components);
        this.sections.splice(i, 1);
      }
    }
  }

  #announce(key: string) {
    const at = this.#find(key);
    if (!at) return;
    const section = this.sections[at.s]!;
    const c = section.components[at.c]!;
    const where = section.name === null ? 'without a group' : `in ${section.name.trim() || 'the unnamed group'}`;
    this.announcement = `${c.name.trim() || 'Component'} moved to position ${at.c + 1} of ${section.components.length} ${where}`;
  }

  // ——— Footer links ———

  addLink(): string {
    const link = { key: newKey('l'), label: '', url: 'https://' };
    this.footerLinks.push(link);
    return link.key;
  }

  removeLink(key: string) {
    this.footerLinks = this.footerLinks.filter((l) => l.key !== key);
  }

  moveLink(key: string, dir: -1 | 1) {
    const i = this.footerLinks.findIndex((l) => l.key === key);
    if (i < 0 || i + dir < 0 || i + dir >= this.footerLinks.length) return;
    const [link] = this.footerLinks.splice(i, 1);
    this.footerLinks.splice(i + dir, 0, link!);
    this.announcement = `${link!.label.trim() || 'Link'} moved to position ${i + dir + 1} of ${this.footerLinks.length}`;
  }

  // ——— Body, checks, saving ———

  /** Every field as the API takes it (the password aside). */
  #fields(): Record<string, unknown> {
    return {
      slug: this.slug.trim(),
      title: this.title.trim(),
      description: this.description.trim() || null,
      logoUrl: this.logoUrl.trim() || null,
      brandColor: this.brandColor.trim() || null,
      customDomain: this.customDomain.trim().toLowerCase() || null,
      showUptime: this.showUptime,
      showLatency: this.showLatency,
      autoIncidents: this.autoIncidents,
      customCss: this.customCss.trim() ? this.customCss : null,
      footerLinks: this.footerLinks.map((l) => ({ label: l.label.trim(), url: l.url.trim() })),
      components: this.flat.map(({ component: c, section }) => ({
        ...(c.id ? { id: c.id } : {}),
        name: c.name.trim(),
        description: c.description.trim() || null,
        group: section.name?.trim() || null,
        monitorIds: c.manual ? [] : [...c.monitorIds],
        showUptime: c.showUptime,
        showLatency: c.showLatency,
        status: c.status,
      })),
    };
  }

  /** What to send: everything for a new page; for an existing one only what changed. */
  body(): Record<string, unknown> {
    const fields = this.#fields();
    const body = this.existing ? Object.fromEntries(Object.entries(fields).filter(([k, v]) => JSON.stringify(v) !== this.#initial[k])) : fields;
    if (this.passwordMode === 'set') body.password = this.password;
    else if (this.passwordMode === 'remove') body.password = null;
    return body;
  }

  /** Errors a browser can find before asking the server. */
  check(): Errors {
    const e: Errors = {};
    if (!this.title.trim()) e.title = 'Give the page a title';
    if (!this.slug.trim()) e.slug = 'Choose the address of the page';
    for (const s of this.sections) {
      if (s.name !== null && !s.name.trim()) e[`groups.${s.key}.name`] = 'Name the group, or ungroup it';
      for (const c of s.components) {
        if (!c.name.trim()) e[`components.${c.key}.name`] = 'Name the component';
        if (!c.manual && !c.monitorIds.length) e[`components.${c.key}.monitorIds`] = 'Choose at least one monitor, or set the status by hand';
      }
    }
    for (const l of this.footerLinks) {
      if (!l.label.trim()) e[`footerLinks.${l.key}.label`] = 'Give the link a label';
      if (!l.url.trim() || l.url.trim() === 'https://') e[`footerLinks.${l.key}.url`] = 'Enter the address the link opens';
    }
    if (this.passwordMode === 'set' && !this.password) e.password = 'Enter a password, or leave the page public';
    return e;
  }

  /** The value the control at `path` holds, to tell whether a server error still applies. */
  #valueAt(path: string): unknown {
    const [head, key, field] = path.split('.');
    if (head === 'components' && key) {
      const c = this.flat.find((f) => f.component.key === key)?.component;
      return c ? (field === 'monitorIds' ? (c.manual ? [] : c.monitorIds) : (c as unknown as Record<string, unknown>)[field!]) : null;
    }
    if (head === 'groups') return this.sections.find((s) => s.key === key)?.name ?? null;
    if (head === 'footerLinks' && key) return this.footerLinks.find((l) => l.key === key)?.[field as 'label' | 'url'] ?? null;
    if (head === 'password') return [this.passwordMode, this.password];
    if (head === 'components') return this.flat.map((f) => f.component.key);
    return (this.#fields() as Record<string, unknown>)[head!] ?? null;
  }

  /** The server names components and links by their place in what was sent; the form, by key. */
  #fromServer(errors: Errors, sent: { components: ComponentDraft[]; sections: SectionDraft[]; links: LinkDraft[] }): Errors {
    const out: Errors = {};
    for (const [path, message] of Object.entries(errors)) {
      const parts = path.split('.');
      const [head, index, field] = [parts[0], Number(parts[1]), parts[2]];
      if (head === 'components' && parts.length > 2) {
        const component = sent.components[index];
        if (!component) out.components ??= message;
        else if (field === 'group') out[`groups.${sent.sections[index]!.key}.name`] ??= message;
        else if (field === 'monitorIds') {
          const monitor = this.monitors.find((m) => m.id === component.monitorIds[Number(parts[3])]);
          out[`components.${component.key}.monitorIds`] ??= monitor ? `${monitor.name}: ${message}` : message;
        } else if (field === 'id') this.problem = 'A component was deleted meanwhile, in another window. Reload the page to see the current list.';
        // A field the form shows no control of (none today) is reported on the component's name.
        else out[`components.${component.key}.${FIELD_LABEL[field!] ? field : 'name'}`] ??= message;
      } else if (head === 'footerLinks' && parts.length > 2) {
        const link = sent.links[index];
        out[link ? `footerLinks.${link.key}.${field === 'label' ? 'label' : 'url'}` : 'footerLinks'] ??= message;
      } else if (head && TOP_LABEL[head]) out[head] ??= message;
      else this.problem ||= message;
    }
    return out;
  }

  /**
   * Looks for the saved custom domain's TXT record now. Answers the page as it now is (served on
   * the domain from then on), or null with `domainProblem` saying what the look-up found.
   * Unsaved edits stay as typed.
   */
  async verifyDomain(): Promise<StatusPage | null> {
    if (!this.existing) return null;
    this.verifying = true;
    this.domainProblem = '';
    try {
      this.existing = await api<StatusPage>('POST', `/orgs/${this.orgId}/status-pages/${this.existing.id}/domain/verify`);
      return this.existing;
    } catch (err) {
      this.domainProblem = messageOf(err);
      return null;
    } finally {
      this.verifying = false;
    }
  }

  /** Saves; answers the saved page, or null when something needs fixing (errors are set). */
  async submit(): Promise<StatusPage | null> {
    this.problem = '';
    this.attempted = true;
    this.#serverErrors = {};
    if (this.#openWithErrors(this.check())) return null;
    const body = this.body();
    if (this.existing && !Object.keys(body).length) return this.existing;
    const sent = {
      components: this.flat.map((f) => f.component),
      sections: this.flat.map((f) => f.section),
      links: [...this.footerLinks],
    };
    this.busy = true;
    try {
      const saved = this.existing
        ? await api<StatusPage>('PATCH', `/orgs/${this.orgId}/status-pages/${this.existing.id}`, body)
        : await api<StatusPage>('POST', `/orgs/${this.orgId}/status-pages`, body);
      return saved;
    } catch (err) {
      let fields: Errors = {};
      if (err instanceof ApiError && err.code === 'VALIDATION_FAILED') fields = this.#fromServer(err.fieldErrors(), sent);
      else if (err instanceof ApiError && err.code === 'SLUG_TAKEN') fields = { slug: err.message };
      else if (err instanceof ApiError && err.code === 'DOMAIN_TAKEN') fields = { customDomain: err.message };
      else if (err instanceof ApiError && err.status === 403) this.problem = 'Your role in this organization cannot change status pages.';
      else if (err instanceof ApiError && err.status === 404 && this.existing) this.problem = 'This status page no longer exists: someone deleted it meanwhile.';
      else this.problem = err instanceof Error ? err.message : String(err);
      if (!Object.keys(fields).length && !this.problem && err instanceof Error) this.problem = err.message;
      this.#serverErrors = judge(fields, (path) => this.#valueAt(path));
      this.#openWithErrors(fields);
      return null;
    } finally {
      this.busy = false;
    }
  }

  /** Opens the components that have errors; answers whether there were any errors at all. */
  #openWithErrors(errors: Errors): boolean {
    const paths = Object.keys(errors);
    for (const { component } of this.flat) if (paths.some((p) => p.startsWith(`components.${component.key}.`))) component.open = true;
    return paths.length > 0;
  }

  #inPageOrder(errors: Errors): Errors {
    const order = [
      'title', 'slug', 'description',
      ...this.sections.flatMap((s) => [`groups.${s.key}.name`, ...s.components.flatMap((c) => ['name', 'description', 'monitorIds', 'status'].map((f) => `components.${c.key}.${f}`))]),
      'components', 'showUptime', 'showLatency', 'autoIncidents', 'customDomain', 'password', 'logoUrl', 'brandColor',
      ...this.footerLinks.flatMap((l) => [`footerLinks.${l.key}.label`, `footerLinks.${l.key}.url`]),
      'footerLinks', 'customCss',
    ];
    const rank = (p: string) => (order.indexOf(p) < 0 ? order.length : order.indexOf(p));
    return Object.fromEntries(Object.entries(errors).sort(([a], [b]) => rank(a) - rank(b)));
  }

  /** Where a field is, for people: "Component “API” › Name". */
  labelOf(path: string): string {
    const [head, key, field] = path.split('.');
    if (head === 'components' && key) {
      const c = this.flat.find((f) => f.component.key === key)?.component;
      return `Component “${c?.name.trim() || 'unnamed'}” › ${FIELD_LABEL[field!] ?? field}`;
    }
    if (head === 'groups') {
      const named = this.sections.filter((s) => s.name !== null);
      const section = named.find((s) => s.key === key);
      return section?.name?.trim() ? `Group “${section.name.trim()}” › Name` : `Group ${named.indexOf(section!) + 1} › Name`;
    }
    if (head === 'footerLinks' && key) {
      const i = this.footerLinks.findIndex((l) => l.key === key);
      return `Footer link ${i + 1} › ${FIELD_LABEL[field!] ?? field}`;
    }
    return TOP_LABEL[head!] ?? head!;
  }
}
