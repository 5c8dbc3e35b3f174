/** Light, dark or the system's choice; kept in localStorage and applied as <html data-theme>. */
export type ThemeChoice = 'system' | 'light' | 'dark';

const KEY = 'pingpage.theme';
const dark = matchMedia('(prefers-color-scheme: dark)');

function stored(): ThemeChoice {
  const v = localStorage.getItem(KEY);
  return v === 'light' || v === 'dark' ? v : 'system';
}

class Theme {
  choice = $state<ThemeChoice>(stored());
  #systemDark = $state(dark.matches);
  /** What is on screen now. */
  effective = $derived(this.choice === 'system' ? (this.#systemDark ? 'dark' : 'light') : this.choice);

  constructor() {
    dark.addEventListener('change', (e) => (this.#systemDark = e.matches));
    this.#apply();
  }

  set(choice: ThemeChoice) {
    this.choice = choice;
    if (choice === 'system') localStorage.removeItem(KEY);
    else localStorage.setItem(KEY, choice);
    this.#apply();
  }

  /** Cycles system → light → dark. */
  next() {
    this.set(this.choice === 'system' ? 'light' : this.choice === 'light' ? 'dark' : 'system');
  }

  #apply() {
    if (this.choice === 'system') delete document.documentElement.dataset.theme;
    else document.documentElement.dataset.theme = this.choice;
  }
}

export const theme = new Theme();
