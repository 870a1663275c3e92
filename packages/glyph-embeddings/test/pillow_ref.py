# Independent reference for the bvv241 recipes written against Pillow itself (reference-impl.md §2.1-2.5, in our
# own words): reads a JSON list of token strings on stdin, prints one hex line of polar-snake bits per token.
# Usage: python3 pillow_ref.py 2-3|max|abs [font.otf] < tokens.json
import json, math, random, sys
import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

UNIFONT = '/usr/share/fonts/opentype/unifont/unifont.otf'


def easy(tok):
    return all(o <= 0x24F or 0x370 <= o <= 0x3FF or 0x400 <= o <= 0x52F or 0x530 <= o <= 0x58F for o in map(ord, tok))


def make_renderer(variant, font_path=UNIFONT):
  """Returns (render(token) -> hex of polar bits, SIZE)."""
  SIZE = 64 if variant == 'abs' else 32
  R, S, P = (4, 2, 0.01) if variant == '2-3' else (7, 3, 0.03)
  font = ImageFont.truetype(font_path, SIZE, layout_engine=ImageFont.Layout.BASIC)
  c = SIZE / 2
  pix = [(math.hypot(x - c, y - c), math.atan2(y - c, x - c), x, y) for y in range(SIZE) for x in range(SIZE)]
  order = np.array([y * SIZE + x for (_, _, x, y) in sorted(pix)])

  def render(tok):
      n = max(1, len(tok))
      img = Image.new('L', (SIZE * n, SIZE), 255)
      draw = ImageDraw.Draw(img)
      for i, ch in enumerate(tok):
          try:
              l, t, r, b = font.getbbox(ch)
              x = i * SIZE + (SIZE - (r - l)) // 2
              y = (SIZE - (b - t)) // 2 - t
              draw.text((x, y), ch, font=font, fill=0)
          except Exception:
              pass
      random.seed(42)
      np.random.seed(42)
      if easy(tok):
          angle, dx, dy, p, blur = random.uniform(-R, R), random.randint(-S, S), random.randint(-S, S), P, True
      else:
          angle, dx, dy, p, blur = 0, 0, 0, 0.001, False
      img = img.rotate(angle, expand=0, fillcolor=255)
      canvas = Image.new('L', img.size, 255)
      canvas.paste(img, (dx, dy))
      arr = np.array(canvas)
      arr[np.random.rand(*arr.shape) < p] = 0
      img = Image.fromarray(arr)
      if blur:
          img = img.filter(ImageFilter.GaussianBlur(radius=0.5))
      img = img.point(lambda v: 0 if v < 128 else 255, '1')
      if img.size != (SIZE, SIZE):
          img = img.resize((SIZE, SIZE), Image.BILINEAR)
      ink = (np.array(img.convert('L')) < 128).flatten()[order]
      return np.packbits(ink).tobytes().hex()

  return render, SIZE


if __name__ == '__main__':
  render, _ = make_renderer(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else UNIFONT)
  for tok in json.load(sys.stdin):
    print(render(tok))
