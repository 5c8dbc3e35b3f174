/** One ResizeObserver for every element that wants its width (hundreds of strips share it). */
const callbacks = new Map<Element, (width: number) => void>();
let observer: ResizeObserver | undefined;

export function observeWidth(el: Element, cb: (width: number) => void): () => void {
  observer ??= new ResizeObserver((entries) => {
    for (const e of entries) callbacks.get(e.target)?.(e.contentRect.width);
  });
  callbacks.set(el, cb);
  observer.observe(el);
  return () => {
    callbacks.delete(el);
    observer?.unobserve(el);
  };
}
