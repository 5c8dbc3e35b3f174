/** Short confirmations and errors after an action ("Monitor paused"), announced politely. */
export interface Toast {
  id: number;
  text: string;
  kind: 'info' | 'error';
}

class Toasts {
  list = $state<Toast[]>([]);
  #next = 0;

  show(text: string, kind: Toast['kind'] = 'info') {
    const id = this.#next++;
    this.list.push({ id, text, kind });
    setTimeout(() => this.dismiss(id), kind === 'error' ? 8000 : 4000);
  }

  error(text: string) {
    this.show(text, 'error');
  }

  dismiss(id: number) {
    const i = this.list.findIndex((t) => t.id === id);
    if (i >= 0) this.list.splice(i, 1);
  }
}

export const toasts = new Toasts();
