// A status line rewritten in place on a terminal (what runs, how far along); finished cases are
// printed above it. Without a terminal only the finished-case lines are printed.
export function progress(stream = process.stderr) {
  const tty = stream.isTTY;
  let shown = false;
  const clear = () => { if (tty && shown) { stream.write('\r\x1b[K'); shown = false; } };
  return {
    status(text) {
      if (!tty) return;
      clear();
      stream.write(text.slice(0, (stream.columns || 100) - 1));
      shown = true;
    },
    line(text) {
      clear();
      console.log(text);
    },
    clear,
  };
}
