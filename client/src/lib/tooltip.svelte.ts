/** One floating tooltip for the page (heartbeat strips, daily bars): cheaper than one per element. */
class Tooltip {
  text = $state('');
  x = $state(0);
  y = $state(0);
  visible = $state(false);

  /** Shows `text` above the point (x, y) in viewport coordinates. */
  show(text: string, x: number, y: number) {
    this.text = text;
    this.x = x;
    this.y = y;
    this.visible = true;
  }

  hide() {
    this.visible = false;
  }
}

export const tooltip = new Tooltip();
