"""Paints the demo shop's product photographs with Pillow: nothing is downloaded, everything is drawn.

Each picture is a soft studio backdrop (cream, ivory or blush light falling from above, a contact shadow) with a
stylised piece of the product's category on it, in the colour of its metal and set with its stone. Shapes are
drawn at twice the final size and reduced, because Pillow's own shapes have no anti-aliasing.

The painter is pure Pillow and knows nothing of Django, so that a pool of worker processes can run it. The
same `Look` always gives the same picture.
"""

from __future__ import annotations

import math
import random
import zlib
from dataclasses import dataclass
from functools import lru_cache
from io import BytesIO

from PIL import Image, ImageChops, ImageDraw, ImageFilter

SIZE = 1200
SCALE = 2
S = SIZE * SCALE  # the drawing canvas

RGB = tuple[int, int, int]
Point = tuple[float, float]


@dataclass(frozen=True)
class Look:
    """What one picture shows: the kind of piece, its metal colour, its stone and a composition number."""

    category: str  # a painter name from PAINTERS (the demo category slugs)
    tone: str  # a key of TONES
    stone: str  # a Stone value ("none" for plain metal)
    variation: int = 0

    @property
    def key(self) -> str:
        return f"{self.category}/{self.tone}-{self.stone}-{self.variation}"

    def canonical(self) -> Look:
        """The look whose picture this one shares: pictures that would come out the same are painted once.

        A diamond and a cubic zirconia are drawn alike, and some compositions have no variation.
        """
        stone = "diamond" if self.stone in CLEAR_STONES else self.stone
        plain = self.category == "wedding-bands" or (self.category == "rings" and stone in ("none", "pearl"))
        return Look(self.category, self.tone, stone, 0 if plain else self.variation)


# --- colours -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Tone:
    dark: RGB
    base: RGB
    light: RGB
    shine: RGB


TONES: dict[str, Tone] = {
    "yellow-gold": Tone(dark=(138, 98, 36), base=(206, 160, 72), light=(240, 208, 128), shine=(255, 244, 208)),
    "white-gold": Tone(dark=(128, 128, 124), base=(204, 204, 198), light=(234, 234, 229), shine=(255, 255, 252)),
    "rose-gold": Tone(dark=(140, 84, 66), base=(210, 142, 116), light=(240, 192, 170), shine=(255, 232, 220)),
    "silver": Tone(dark=(108, 114, 124), base=(190, 195, 202), light=(228, 231, 236), shine=(255, 255, 255)),
    "platinum": Tone(dark=(96, 100, 108), base=(170, 175, 182), light=(212, 216, 222), shine=(244, 246, 250)),
}

# The body colour of each stone; diamonds and zirconia are drawn as clear stones with cool and warm fire.
STONE_COLOURS: dict[str, RGB] = {
    "diamond": (214, 224, 236),
    "zirconia": (222, 226, 234),
    "sapphire": (22, 52, 142),
    "emerald": (8, 118, 74),
    "ruby": (164, 14, 48),
    "amethyst": (124, 66, 160),
    "topaz": (72, 160, 214),
    "pearl": (238, 230, 216),
}
CLEAR_STONES = {"diamond", "zirconia"}

# Studio backdrops: (light from above, floor).
BACKDROPS: list[tuple[RGB, RGB]] = [
    ((252, 247, 239), (233, 220, 202)),  # cream
    ((253, 251, 245), (229, 225, 214)),  # ivory
    ((251, 240, 235), (232, 207, 198)),  # blush
    ((250, 245, 238), (224, 214, 206)),  # warm stone
    ((247, 245, 240), (216, 218, 210)),  # pale sage
]


def mix(a: RGB, b: RGB, t: float) -> RGB:
    return (round(a[0] + (b[0] - a[0]) * t), round(a[1] + (b[1] - a[1]) * t), round(a[2] + (b[2] - a[2]) * t))


def lighter(colour: RGB, t: float) -> RGB:
    return mix(colour, (255, 255, 255), t)


def darker(colour: RGB, t: float) -> RGB:
    return mix(colour, (0, 0, 0), t)


# --- geometry ----------------------------------------------------------------------------------------------


def ellipse_points(
    cx: float, cy: float, rx: float, ry: float, *, angle: float = 0.0, start: float = 0.0, end: float = math.tau, n=72
) -> list[Point]:
    cos_a, sin_a = math.cos(angle), math.sin(angle)
    points = []
    for i in range(n + 1):
        t = start + (end - start) * i / n
        x, y = rx * math.cos(t), ry * math.sin(t)
        points.append((cx + x * cos_a - y * sin_a, cy + x * sin_a + y * cos_a))
    return points


def leaf_points(cx: float, cy: float, length: float, width: float, angle: float, n: int = 40) -> list[Point]:
    """A pointed leaf (two arcs meeting at both tips) with its base at (cx, cy), pointing along `angle`."""
    points = []
    for i in range(n + 1):
        t = i / n
        points.append((t * length, math.sin(math.pi * t) ** 0.9 * width / 2))
    points += [(t * length, -(math.sin(math.pi * t) ** 0.9) * width / 2) for t in (j / n for j in range(n, -1, -1))]
    cos_a, sin_a = math.cos(angle), math.sin(angle)
    return [(cx + x * cos_a - y * sin_a, cy + x * sin_a + y * cos_a) for x, y in points]


def pear_points(cx: float, cy: float, r: float, length: float, n: int = 48) -> list[Point]:
    """A teardrop: a round bottom centred on (cx, cy) narrowing to a point `length` above it."""
    apex = (cx, cy - length)
    theta = math.asin(min(0.99, r / length))  # where the tangents from the apex touch the circle
    start, end = -math.pi / 2 + (math.pi / 2 - theta), math.pi * 1.5 - (math.pi / 2 - theta)
    arc = ellipse_points(cx, cy, r, r, start=start, end=end, n=n)
    return [apex, *arc]


def heart_points(cx: float, cy: float, size: float, n: int = 80) -> list[Point]:
    points = []
    for i in range(n):
        t = math.tau * i / n
        x = 16 * math.sin(t) ** 3
        y = 13 * math.cos(t) - 5 * math.cos(2 * t) - 2 * math.cos(3 * t) - math.cos(4 * t)
        points.append((cx + x * size / 32, cy - y * size / 32))
    return points


def scale_about(points: list[Point], centre: Point, factor: float) -> list[Point]:
    return [(centre[0] + (x - centre[0]) * factor, centre[1] + (y - centre[1]) * factor) for x, y in points]


# --- the canvas --------------------------------------------------------------------------------------------


@lru_cache(maxsize=64)
def _band_strip(tone_name: str, style: str) -> Image.Image:
    """A small strip of polished-metal bands; stretched over a shape it reads as reflections."""
    tone = TONES[tone_name]
    stops = {
        "polished": [tone.base, tone.light, tone.shine, tone.light, tone.base, tone.dark, tone.base, tone.light],
        "soft": [tone.light, tone.shine, tone.light, tone.base, tone.base, tone.dark],
        "inner": [tone.dark, tone.base, tone.dark, darker(tone.dark, 0.2)],
        # Chains are thin: keep every part of them darker than the backdrop so they never fade into it.
        "chain": [tone.base, tone.dark, tone.base, tone.light, tone.base, tone.dark, tone.base],
    }[style]
    strip = Image.new("RGB", (1, len(stops)))
    strip.putdata(stops)
    return strip


@lru_cache(maxsize=len(BACKDROPS))
def _backdrop(index: int) -> Image.Image:
    """A studio backdrop: bright above, the floor colour below, a soft pool of light behind the piece.

    Painted small and scaled up (the gradients are smooth, nothing is lost) and kept: there are only a few.
    """
    top, floor = BACKDROPS[index]
    small = 160
    ramp = Image.linear_gradient("L").resize((small, small), Image.Resampling.BILINEAR)
    ramp = ramp.point(lambda v: round(255 * (v / 255) ** 1.4))
    image = Image.composite(Image.new("RGB", (small, small), floor), Image.new("RGB", (small, small), top), ramp)
    pool = Image.radial_gradient("L").resize((small * 3 // 2, small * 3 // 2), Image.Resampling.BILINEAR)
    pool = pool.point(lambda v: round(255 - (255 - v) * 0.75))
    glow = Image.new("L", (small, small), 255)
    light_x = 0.44 + 0.03 * index
    glow.paste(pool, (round(light_x * small - pool.width / 2), round(small * 0.45 - pool.height / 2)))
    image = Image.composite(image, Image.new("RGB", (small, small), lighter(top, 0.55)), glow)
    return image.resize((S, S), Image.Resampling.BICUBIC)


class Shape:
    """Drawing calls recorded, then rasterised into a mask only as large as the shape itself.

    A full-canvas mask per shape costs more than drawing it; recording first tells the bounds. The methods
    take the arguments of `ImageDraw` (fill 255 draws, fill 0 erases).
    """

    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple, dict]] = []
        self.bounds = [math.inf, math.inf, -math.inf, -math.inf]

    def _grow(self, points: list[Point], pad: float) -> None:
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        b = self.bounds
        b[0], b[1] = min(b[0], min(xs) - pad), min(b[1], min(ys) - pad)
        b[2], b[3] = max(b[2], max(xs) + pad), max(b[3], max(ys) + pad)

    def _record(self, method: str, xy, points: list[Point], kwargs: dict) -> None:
        if kwargs.get("fill", 255) or kwargs.get("outline"):
            self._grow(points, kwargs.get("width", 1) / 2 + 2)
        self.calls.append((method, xy, kwargs))

    def ellipse(self, box, **kwargs) -> None:
        self._record("ellipse", box, [box[:2], box[2:]], kwargs)

    def arc(self, box, start, end, **kwargs) -> None:
        self._record("arc", box, [box[:2], box[2:]], {"start": start, "end": end, **kwargs})

    def rounded_rectangle(self, box, **kwargs) -> None:
        self._record("rounded_rectangle", box, [box[:2], box[2:]], kwargs)

    def rectangle(self, box, **kwargs) -> None:
        self._record("rectangle", box, [box[:2], box[2:]], kwargs)

    def polygon(self, points, **kwargs) -> None:
        self._record("polygon", points, points, kwargs)

    def line(self, points, **kwargs) -> None:
        self._record("line", points, points, kwargs)

    def box(self, pad: float = 0) -> tuple[int, int, int, int] | None:
        x0, y0, x1, y1 = self.bounds
        box = (max(0, math.floor(x0 - pad)), max(0, math.floor(y0 - pad)))
        box += (min(S, math.ceil(x1 + pad)), min(S, math.ceil(y1 + pad)))
        return box if box[2] > box[0] and box[3] > box[1] else None

    def render(self, box: tuple[int, int, int, int], scale: float = 1.0) -> Image.Image:
        """The mask of the shape over `box`, optionally drawn smaller (`scale` < 1) for soft effects."""
        size = (max(1, round((box[2] - box[0]) * scale)), max(1, round((box[3] - box[1]) * scale)))
        mask = Image.new("L", size, 0)
        draw = ImageDraw.Draw(mask)
        dx, dy = box[0], box[1]
        for method, xy, kwargs in self.calls:
            if method in ("polygon", "line"):
                moved = [((x - dx) * scale, (y - dy) * scale) for x, y in xy]
            else:
                moved = ((xy[0] - dx) * scale, (xy[1] - dy) * scale, (xy[2] - dx) * scale, (xy[3] - dy) * scale)
            if "width" in kwargs and scale != 1:
                kwargs = {**kwargs, "width": max(1, round(kwargs["width"] * scale))}
            getattr(draw, method)(moved, **kwargs)
        return mask


class Canvas:
    def __init__(self, backdrop: int):
        self.img = _backdrop(backdrop).copy()

    def fill(self, shape: Shape, colour: RGB, opacity: float = 1.0) -> None:
        box = shape.box()
        if box is None:
            return
        mask = shape.render(box)
        if opacity < 1:
            mask = mask.point(lambda v: round(v * opacity))
        self.img.paste(colour, box, mask)

    def metal(self, shape: Shape, tone: str, style: str = "polished", horizontal: bool = False) -> None:
        box = shape.box()
        if box is None:
            return
        mask = shape.render(box)
        strip = _band_strip(tone, style)
        width, height = mask.size
        # Smooth along the bands, then stretched across them (nearest is exact there and much cheaper).
        if horizontal:
            strip = strip.transpose(Image.Transpose.ROTATE_90).resize((width, 1), Image.Resampling.BICUBIC)
        else:
            strip = strip.resize((1, height), Image.Resampling.BICUBIC)
        self.img.paste(strip.resize((width, height), Image.Resampling.NEAREST), box, mask)

    def glow(self, shape: Shape, colour: RGB, opacity: float, blur: float) -> None:
        """A soft light or shadow: the shape blurred, then the colour laid through it."""
        box = shape.box(pad=blur * 3)
        if box is None:
            return
        # Drawn and blurred at a quarter of the size, then scaled up: a sixteenth of the work, the same look.
        small = shape.render(box, scale=0.25).filter(ImageFilter.GaussianBlur(max(0.5, blur / 4)))
        small = small.point(lambda v: round(v * opacity))
        self.img.paste(colour, box, small.resize((box[2] - box[0], box[3] - box[1]), Image.Resampling.BILINEAR))

    def shadow(self, cx: float, cy: float, rx: float, ry: float, strength: float = 0.32) -> None:
        shape = Shape()
        shape.ellipse((cx - rx, cy - ry, cx + rx, cy + ry), fill=255)
        self.glow(shape, (92, 74, 60), strength, blur=ry * 0.9 + 20)

    def sparkle(self, x: float, y: float, size: float) -> None:
        shape = Shape()
        w = size * 0.12
        shape.polygon([(x - size, y), (x - w, y - w), (x, y - size), (x + w, y - w), (x + size, y)], fill=255)
        shape.polygon([(x + size, y), (x + w, y + w), (x, y + size), (x - w, y + w), (x - size, y)], fill=255)
        self.glow(shape, (255, 255, 255), 0.55, blur=size * 0.15)
        self.fill(shape, (255, 255, 255), 0.85)

    def finish(self) -> Image.Image:
        # A little film grain keeps the smooth backdrop free of banding once it is a JPEG.
        return ImageChops.add(self.img.reduce(SCALE), _grain(), scale=1.0, offset=-128)


@lru_cache(maxsize=1)
def _grain() -> Image.Image:
    """Fine, faint noise around 128, the same on every picture (Pillow's own noise is not reproducible)."""
    rnd = random.Random(1200)  # noqa: S311 - film grain, not secrets
    tile = Image.frombytes("L", (256, 256), bytes(128 + rnd.randint(-4, 4) for _ in range(256 * 256)))
    grain = Image.new("L", (SIZE, SIZE))
    for x in range(0, SIZE, 256):
        for y in range(0, SIZE, 256):
            grain.paste(tile, (x, y))
    return grain.convert("RGB")


# --- stones ------------------------------------------------------------------------------------------------


def _facet_colours(stone: str) -> list[RGB]:
    body = STONE_COLOURS[stone]
    if stone in CLEAR_STONES:
        return [(255, 255, 255), (188, 198, 214), (236, 242, 250), (150, 164, 186), (222, 236, 255), (255, 244, 222)]
    return [lighter(body, 0.38), body, darker(body, 0.3), lighter(body, 0.18), darker(body, 0.5), lighter(body, 0.6)]


def gem_top(canvas: Canvas, outline: list[Point], centre: Point, stone: str) -> None:
    """A faceted stone seen from above: triangles from the centre, alternately lit, and a bright table."""
    draw = ImageDraw.Draw(canvas.img)
    colours = _facet_colours(stone)
    draw.polygon(outline, fill=colours[1])
    for i in range(len(outline) - 1):
        draw.polygon([centre, outline[i], outline[i + 1]], fill=colours[(i // 3) % 5])
    table = scale_about(outline, centre, 0.52)
    draw.polygon(table, fill=mix(colours[0], colours[1], 0.35))
    draw.line([*table, table[0]], fill=lighter(colours[0], 0.3), width=4)
    draw.line([*outline, outline[0]], fill=darker(colours[2], 0.3), width=5)
    xs, ys = [p[0] for p in outline], [p[1] for p in outline]
    size = (max(xs) - min(xs) + max(ys) - min(ys)) / 4
    canvas.sparkle(centre[0] - size * 0.32, centre[1] - size * 0.35, size * 0.55)


def round_gem(canvas: Canvas, cx: float, cy: float, r: float, stone: str, tone: str, bezel: bool = True) -> None:
    if stone == "pearl":
        pearl(canvas, cx, cy, r)
        return
    if bezel:
        shape = Shape()
        shape.ellipse((cx - r * 1.18, cy - r * 1.18, cx + r * 1.18, cy + r * 1.18), fill=255)
        canvas.metal(shape, tone)
    gem_top(canvas, ellipse_points(cx, cy, r, r, start=-math.pi / 2, end=math.pi * 1.5, n=24), (cx, cy), stone)


def pearl(canvas: Canvas, cx: float, cy: float, r: float) -> None:
    body = STONE_COLOURS["pearl"]
    # The lit side faces the light (upper left): a larger gradient, cut so that its centre falls there.
    gradient = Image.radial_gradient("L").resize((round(2.8 * r), round(2.8 * r)), Image.Resampling.BILINEAR)
    left, top = round(1.4 * r - 0.75 * r), round(1.4 * r - 0.7 * r)
    gradient = gradient.crop((left, top, left + round(2 * r), top + round(2 * r)))
    shade = Image.composite(
        Image.new("RGB", gradient.size, (196, 178, 168)), Image.new("RGB", gradient.size, body), gradient
    )
    mask = Image.new("L", gradient.size, 0)
    ImageDraw.Draw(mask).ellipse((0, 0, 2 * r - 1, 2 * r - 1), fill=255)
    canvas.img.paste(shade, (round(cx - r), round(cy - r)), mask)
    highlight = Shape()
    highlight.ellipse((cx - r * 0.55, cy - r * 0.62, cx - r * 0.12, cy - r * 0.28), fill=255)
    canvas.glow(highlight, (255, 255, 255), 0.9, blur=r * 0.12)
    rim = Shape()
    rim.arc(
        (cx - r * 0.92, cy - r * 0.92, cx + r * 0.92, cy + r * 0.92), 20, 110, fill=255, width=max(2, round(r * 0.1))
    )
    canvas.glow(rim, (244, 214, 222), 0.5, blur=r * 0.08)


def gem_side(canvas: Canvas, cx: float, girdle_y: float, width: float, stone: str) -> None:
    """A brilliant-cut stone seen from the side: crown above the girdle, pavilion narrowing to the culet."""
    draw = ImageDraw.Draw(canvas.img)
    colours = _facet_colours(stone)
    half, crown, depth, table = width / 2, width * 0.3, width * 0.52, width * 0.28
    left, right = (cx - half, girdle_y), (cx + half, girdle_y)
    culet = (cx, girdle_y + depth)
    top_l, top_r = (cx - table, girdle_y - crown), (cx + table, girdle_y - crown)
    # Pavilion: fans from the culet.
    for i in range(6):
        a = (cx - half + width * i / 6, girdle_y)
        b = (cx - half + width * (i + 1) / 6, girdle_y)
        draw.polygon([a, b, culet], fill=colours[(i + 2) % 5])
    # Crown: star and bezel facets between the girdle and the table.
    edge = [left, (cx - half * 0.66, girdle_y), (cx - half * 0.2, girdle_y), (cx + half * 0.2, girdle_y)]
    edge += [(cx + half * 0.66, girdle_y), right]
    tops = [top_l, top_l, (cx - table * 0.3, girdle_y - crown), (cx + table * 0.3, girdle_y - crown), top_r, top_r]
    for i in range(5):
        draw.polygon([edge[i], edge[i + 1], tops[i + 1], tops[i]], fill=colours[i % 5 if i % 2 else 0])
        draw.line([edge[i + 1], tops[i + 1]], fill=lighter(colours[0], 0.4), width=3)
    draw.polygon([top_l, top_r, (cx + table * 0.3, girdle_y - crown), (cx - table * 0.3, girdle_y - crown)])
    draw.line([left, top_l, top_r, right, culet, left], fill=darker(colours[2], 0.25), width=5, joint="curve")
    draw.line([left, right], fill=lighter(colours[0], 0.2), width=4)
    canvas.sparkle(cx - width * 0.14, girdle_y - crown * 0.55, width * 0.28)
    if stone not in CLEAR_STONES:
        canvas.sparkle(cx + width * 0.18, girdle_y + depth * 0.3, width * 0.12)


def small_stones(canvas: Canvas, points: list[Point], r: float, stone: str, tone: str) -> None:
    for x, y in points:
        round_gem(canvas, x, y, r, stone, tone, bezel=stone != "pearl")


# --- pieces ------------------------------------------------------------------------------------------------


def band(canvas: Canvas, cx: float, cy: float, r: float, thickness: float, tone: str, squash: float = 1.0) -> None:
    """A ring standing on its edge: the band, the inside of the back showing through, a highlight."""
    ry = r * squash
    shape = Shape()
    shape.ellipse((cx - r, cy - ry, cx + r, cy + ry), fill=255)
    inner_r, inner_ry = r - thickness, ry - thickness
    shape.ellipse((cx - inner_r, cy - inner_ry, cx + inner_r, cy + inner_ry), fill=0)
    canvas.metal(shape, tone)
    # The inner surface at the bottom of the hole, seen from slightly above.
    inside = Shape()
    inside.ellipse((cx - inner_r, cy - inner_ry, cx + inner_r, cy + inner_ry), fill=255)
    lift = thickness * 0.55
    inside.ellipse((cx - inner_r * 0.97, cy - inner_ry - lift, cx + inner_r * 0.97, cy + inner_ry - lift), fill=0)
    canvas.metal(inside, tone, "inner")
    shine = Shape()
    mid = r - thickness / 2
    shine.arc(
        (cx - mid, cy - mid * squash, cx + mid, cy + mid * squash), 200, 250, fill=255, width=round(thickness * 0.3)
    )
    canvas.glow(shine, TONES[tone].shine, 0.85, blur=thickness * 0.18)


def paint_rings(canvas: Canvas, look: Look) -> None:
    cx, cy, r = S / 2, S * 0.6, S * 0.25
    thickness = S * (0.04 if look.stone != "none" else 0.055)
    canvas.shadow(cx, cy + r * 0.98, r * 0.95, S * 0.03)
    band(canvas, cx, cy, r, thickness, look.tone)
    top = cy - r
    if look.stone == "none":
        # A signet: a flat oval face on the top of the band, with an engraved line.
        shape = Shape()
        shape.ellipse((cx - S * 0.11, top - S * 0.06, cx + S * 0.11, top + S * 0.05), fill=255)
        canvas.metal(shape, look.tone, "soft")
        line = Shape()
        line.ellipse((cx - S * 0.085, top - S * 0.04, cx + S * 0.085, top + S * 0.03), outline=255, width=8)
        canvas.fill(line, TONES[look.tone].dark, 0.6)
        return
    if look.stone == "pearl":
        basket = Shape()
        basket.polygon(
            [(cx - S * 0.03, top + S * 0.01), (cx + S * 0.03, top + S * 0.01), (cx, top - S * 0.05)], fill=255
        )
        canvas.metal(basket, look.tone)
        pearl(canvas, cx, top - S * 0.09, S * 0.075)
        return
    if look.variation % 2:
        # A halo: the stone seen from the front, ringed with small stones in a bezel.
        halo = [
            (cx + math.cos(a) * S * 0.085, top - S * 0.035 + math.sin(a) * S * 0.085)
            for a in (math.tau * i / 14 for i in range(14))
        ]
        shape = Shape()
        shape.ellipse((cx - S * 0.105, top - S * 0.14, cx + S * 0.105, top + S * 0.07), fill=255)
        canvas.metal(shape, look.tone, "soft")
        small_stones(canvas, halo, S * 0.012, "diamond", look.tone)
        round_gem(canvas, cx, top - S * 0.035, S * 0.058, look.stone, look.tone, bezel=False)
        return
    width = S * 0.2
    girdle = top - S * 0.085
    gem_side(canvas, cx, girdle, width, look.stone)
    prongs = Shape()
    for side in (-1, 1):
        x = cx + side * width * 0.42
        prongs.line(
            [(cx + side * S * 0.025, top + S * 0.01), (x, girdle + 6), (x + side * 6, girdle - S * 0.025)],
            fill=255,
            width=16,
        )
    prongs.polygon([(cx - S * 0.04, top + S * 0.012), (cx + S * 0.04, top + S * 0.012), (cx, top - S * 0.03)], fill=255)
    canvas.metal(prongs, look.tone)


def paint_wedding_bands(canvas: Canvas, look: Look) -> None:
    big = (S * 0.41, S * 0.57, S * 0.22)
    small = (S * 0.61, S * 0.62, S * 0.185)
    canvas.shadow(S * 0.51, S * 0.8, S * 0.36, S * 0.03)
    band(canvas, *big, S * 0.05, look.tone)
    band(canvas, *small, S * 0.045, look.tone)
    # Interlock: the bigger band passes in front of the smaller one once, at the top crossing.
    cx, cy, r = big
    crossing = Shape()
    crossing.ellipse((cx - r, cy - r, cx + r, cy + r), fill=255)
    crossing.ellipse((cx - r + S * 0.05, cy - r + S * 0.05, cx + r - S * 0.05, cy + r - S * 0.05), fill=0)
    # Erasing keeps the bounds (and so the shading) of the whole band: the repainted part matches it.
    crossing.rectangle((0, 0, S * 0.5, S), fill=0)
    crossing.rectangle((0, S * 0.5, S, S), fill=0)
    canvas.metal(crossing, look.tone)
    if look.stone != "none":
        sx, sy, sr = small
        stones = [
            (sx + math.cos(a) * (sr - S * 0.022), sy + math.sin(a) * (sr - S * 0.022))
            for a in (math.radians(d) for d in range(225, 316, 15))
        ]
        small_stones(canvas, stones, S * 0.011, look.stone, look.tone)


def chain(canvas: Canvas, points: list[Point], tone: str, link: float, weight: float) -> None:
    """A cable chain along a path: links alternately seen flat and edge on."""
    shape = Shape()
    travelled, last = 0.0, points[0]
    flat = True
    for x, y in points[1:]:
        step = math.dist(last, (x, y))
        travelled += step
        if travelled >= link * 0.8:
            angle = math.atan2(y - last[1], x - last[0])
            if flat:
                ring = ellipse_points(x, y, link * 0.62, link * 0.36, angle=angle, n=24)
                shape.line(ring, fill=255, width=round(weight))
            else:
                dx, dy = math.cos(angle) * link * 0.6, math.sin(angle) * link * 0.6
                shape.line([(x - dx, y - dy), (x + dx, y + dy)], fill=255, width=round(weight * 1.5))
            flat = not flat
            travelled = 0.0
        last = (x, y)
    canvas.glow(shape, (70, 58, 48), 0.18, blur=weight * 0.8)
    canvas.metal(shape, tone, "chain")


def curve(fn, n: int = 400) -> list[Point]:
    return [fn(i / n) for i in range(n + 1)]


def pendant_drop(canvas: Canvas, cx: float, top: float, size: float, look: Look) -> None:
    """A bail and a drop hanging from it: a stone in a pear bezel, a pearl, or a plain polished disc."""
    bail = Shape()
    bail.ellipse(
        (cx - size * 0.16, top - size * 0.16, cx + size * 0.16, top + size * 0.2), outline=255, width=round(size * 0.07)
    )
    canvas.metal(bail, look.tone)
    body_y = top + size * 0.2 + size * 0.55
    if look.stone == "pearl":
        pearl(canvas, cx, top + size * 0.6, size * 0.43)
        return
    if look.stone == "none":
        shape = Shape()
        shape.ellipse((cx - size * 0.5, body_y - size * 0.5, cx + size * 0.5, body_y + size * 0.5), fill=255)
        canvas.metal(shape, look.tone)
        engraving = Shape()
        engraving.ellipse(
            (cx - size * 0.36, body_y - size * 0.36, cx + size * 0.36, body_y + size * 0.36),
            outline=255,
            width=round(size * 0.035),
        )
        canvas.fill(engraving, TONES[look.tone].dark, 0.55)
        canvas.sparkle(cx - size * 0.22, body_y - size * 0.24, size * 0.2)
        return
    outline = pear_points(cx, body_y + size * 0.12, size * 0.42, size * 0.95)
    shape = Shape()
    shape.polygon(scale_about(outline, (cx, body_y + size * 0.05), 1.14), fill=255)
    canvas.metal(shape, look.tone)
    gem_top(canvas, outline, (cx, body_y + size * 0.08), look.stone)


def paint_necklaces(canvas: Canvas, look: Look) -> None:
    cx, bottom = S / 2, S * 0.58
    spread = S * (0.34 + 0.04 * (look.variation % 2))
    path = curve(
        lambda t: (
            cx + spread * math.sin(math.pi * (t - 0.5) * 1.02),
            -S * 0.05 + (bottom + S * 0.05) * math.cos(math.pi * (t - 0.5) * 0.98) ** 1.3,
        )
    )
    canvas.shadow(cx, S * 0.86, S * 0.13, S * 0.02, 0.22)
    chain(canvas, path, look.tone, link=S * 0.017, weight=S * 0.0045)
    if look.variation % 2 and look.stone not in ("none", "pearl"):
        # A riviera: a row of stones along the front of the chain.
        front = path[140:261:10]
        small_stones(canvas, front, S * 0.014, look.stone, look.tone)
    pendant_drop(canvas, cx, bottom + S * 0.015, S * 0.2, look)


def paint_pendants(canvas: Canvas, look: Look) -> None:
    cx, cy, r = S / 2, S * 0.58, S * 0.2
    for side in (-1, 1):
        chain(
            canvas,
            curve(lambda t, side=side: (cx + side * (S * 0.012 + t * S * 0.2), cy - r * 1.3 - t * S * 0.5)),
            look.tone,
            S * 0.02,
            S * 0.005,
        )
    canvas.shadow(cx, cy + r * 1.08, r * 0.9, S * 0.025)
    bail = Shape()
    bail.rounded_rectangle((cx - S * 0.03, cy - r * 1.36, cx + S * 0.03, cy - r * 0.9), radius=S * 0.02, fill=255)
    canvas.metal(bail, look.tone, horizontal=True)
    if look.variation % 2:
        disc = Shape()
        outline = pear_points(cx, cy + r * 0.25, r * 0.72, r * 1.55)
        disc.polygon(scale_about(outline, (cx, cy + r * 0.1), 1.16), fill=255)
        canvas.metal(disc, look.tone)
        if look.stone == "none":
            inner = Shape()
            inner.polygon(outline, fill=255)
            canvas.metal(inner, look.tone, "soft")
        elif look.stone == "pearl":
            pearl(canvas, cx, cy + r * 0.2, r * 0.6)
        else:
            gem_top(canvas, outline, (cx, cy + r * 0.15), look.stone)
        return
    # A medallion: a rim, a sunk field with a Greek-key border, a stone or a polished boss at the centre.
    disc = Shape()
    disc.ellipse((cx - r, cy - r, cx + r, cy + r), fill=255)
    canvas.metal(disc, look.tone)
    field = Shape()
    field.ellipse((cx - r * 0.84, cy - r * 0.84, cx + r * 0.84, cy + r * 0.84), fill=255)
    canvas.metal(field, look.tone, "soft")
    key = Shape()
    for i in range(24):
        a = math.tau * i / 24
        x0, y0 = cx + math.cos(a) * r * 0.7, cy + math.sin(a) * r * 0.7
        unit = r * 0.06
        key.line(
            [(x0 - unit, y0 + unit), (x0 - unit, y0 - unit), (x0 + unit, y0 - unit), (x0 + unit, y0)],
            fill=255,
            width=round(r * 0.025),
        )
    canvas.fill(key, TONES[look.tone].dark, 0.7)
    if look.stone == "none":
        boss = Shape()
        boss.ellipse((cx - r * 0.3, cy - r * 0.3, cx + r * 0.3, cy + r * 0.3), fill=255)
        canvas.metal(boss, look.tone)
        canvas.sparkle(cx - r * 0.12, cy - r * 0.14, r * 0.14)
    else:
        round_gem(canvas, cx, cy, r * 0.3, look.stone, look.tone)


def paint_earrings(canvas: Canvas, look: Look) -> None:
    for side in (-1, 1):
        cx = S / 2 + side * S * 0.17
        if look.variation % 2:
            # Hoops with stones set along their lower half.
            cy, r = S * 0.52, S * 0.14
            canvas.shadow(cx, cy + r * 1.25, r * 0.7, S * 0.018, 0.22)
            band(canvas, cx, cy, r, S * 0.026, look.tone, squash=1.12)
            if look.stone != "none":
                stones = [
                    (cx + math.cos(a) * (r - S * 0.013), cy + math.sin(a) * (r - S * 0.013) * 1.12)
                    for a in (math.radians(d) for d in range(30, 151, 20))
                ]
                small_stones(canvas, stones, S * 0.0095, look.stone, look.tone)
            continue
        top = S * 0.3
        hook = Shape()
        hook.arc(
            (cx - S * 0.06, top - S * 0.08, cx + S * 0.06, top + S * 0.08), 180, 360, fill=255, width=round(S * 0.009)
        )
        hook.line([(cx + S * 0.06, top), (cx + S * 0.06, top + S * 0.04)], fill=255, width=round(S * 0.009))
        hook.line([(cx - S * 0.06, top), (cx - S * 0.055, top + S * 0.08)], fill=255, width=round(S * 0.009))
        canvas.metal(hook, look.tone)
        canvas.shadow(cx, S * 0.68, S * 0.09, S * 0.016, 0.2)
        pendant_drop(canvas, cx - S * 0.055, top + S * 0.1, S * 0.17, look)


def paint_bracelets(canvas: Canvas, look: Look) -> None:
    cx, cy, rx, ry = S / 2, S * 0.56, S * 0.36, S * 0.2
    canvas.shadow(cx, cy + ry * 1.05, rx * 0.95, S * 0.035)
    if look.variation % 2:
        path = ellipse_points(cx, cy, rx, ry, n=600)
        chain(canvas, path, look.tone, link=S * 0.028, weight=S * 0.0075)
        if look.stone != "none":
            pendant_drop(canvas, cx, cy + ry - S * 0.005, S * 0.12, look)
        return
    # A bangle lying down, seen from above: a flattened band, its inner surface showing at the back.
    thickness = S * 0.045
    band(canvas, cx, cy, rx, thickness, look.tone, squash=ry / rx)
    if look.stone != "none":
        stones = [
            (cx + math.cos(a) * (rx - thickness / 2), cy + math.sin(a) * (ry - thickness / 2))
            for a in (math.radians(d) for d in range(60, 121, 10))
        ]
        small_stones(canvas, stones, S * 0.012, look.stone, look.tone)


def paint_anklets(canvas: Canvas, look: Look) -> None:
    cx, cy, rx, ry = S / 2, S * 0.52, S * 0.4, S * 0.2
    canvas.shadow(cx, cy + ry * 1.15, rx * 0.8, S * 0.025, 0.2)
    loops = 2 if look.variation % 2 else 1
    for loop in range(loops):
        path = ellipse_points(cx, cy + loop * S * 0.05, rx - loop * S * 0.02, ry, n=700)
        chain(canvas, path, look.tone, link=S * 0.016, weight=S * 0.004)
    for i, a in enumerate(math.radians(d) for d in range(30, 151, 24)):
        x, y = cx + math.cos(a) * rx, cy + math.sin(a) * ry
        drop = Shape()
        drop.line([(x, y), (x, y + S * 0.03)], fill=255, width=round(S * 0.004))
        canvas.metal(drop, look.tone)
        if look.stone == "none" or i % 2:
            bead = Shape()
            bead.ellipse((x - S * 0.012, y + S * 0.03, x + S * 0.012, y + S * 0.054), fill=255)
            canvas.metal(bead, look.tone)
        else:
            round_gem(canvas, x, y + S * 0.045, S * 0.014, look.stone, look.tone)


def paint_charms(canvas: Canvas, look: Look) -> None:
    cx, cy, r = S / 2, S * 0.6, S * 0.17
    canvas.shadow(cx, cy + r * 1.2, r * 0.9, S * 0.025)
    heart_size = r * 2.1
    # Where the jump ring meets the charm: the rim of the disc, or the cleft between the heart's lobes.
    top = cy + S * 0.01 - heart_size * 5 / 32 if look.variation % 2 else cy - r
    # A jump ring and, above it, a larger ring for the chain.
    ring = Shape()
    ring.ellipse((cx - S * 0.03, top - S * 0.085, cx + S * 0.03, top + S * 0.01), outline=255, width=round(S * 0.011))
    ring.ellipse((cx - S * 0.035, top - S * 0.23, cx + S * 0.035, top - S * 0.08), outline=255, width=round(S * 0.016))
    canvas.metal(ring, look.tone)
    if look.variation % 2:
        heart = heart_points(cx, cy + S * 0.01, heart_size)
        shape = Shape()
        shape.polygon(heart, fill=255)
        canvas.metal(shape, look.tone)
        inner = Shape()
        inner.polygon(scale_about(heart, (cx, cy), 0.8), fill=255)
        canvas.metal(inner, look.tone, "soft")
        if look.stone != "none":
            round_gem(canvas, cx, cy + S * 0.005, r * 0.28, look.stone, look.tone)
        return
    # The evil eye: rings of blue and white enamel in a metal rim; the pupil is the stone when there is one.
    shape = Shape()
    shape.ellipse((cx - r, cy - r, cx + r, cy + r), fill=255)
    canvas.metal(shape, look.tone)
    draw = ImageDraw.Draw(canvas.img)
    for factor, colour in ((0.86, (22, 64, 156)), (0.6, (246, 246, 240)), (0.42, (84, 160, 222)), (0.22, (22, 28, 48))):
        draw.ellipse((cx - r * factor, cy - r * factor, cx + r * factor, cy + r * factor), fill=colour)
    if look.stone != "none":
        round_gem(canvas, cx, cy, r * 0.22, look.stone, look.tone, bezel=False)
    canvas.sparkle(cx - r * 0.45, cy - r * 0.5, r * 0.2)


def paint_brooches(canvas: Canvas, look: Look) -> None:
    cx, cy = S / 2, S * 0.55
    canvas.shadow(cx, cy + S * 0.24, S * 0.26, S * 0.03, 0.25)
    if look.variation % 2:
        # A flower: pointed petals around a centre stone.
        petals = Shape()
        for i in range(8):
            angle = math.tau * i / 8 - math.pi / 2
            petals.polygon(leaf_points(cx, cy, S * 0.2, S * 0.11, angle), fill=255)
        canvas.metal(petals, look.tone)
        veins = Shape()
        for i in range(8):
            angle = math.tau * i / 8 - math.pi / 2
            veins.line(
                [(cx, cy), (cx + math.cos(angle) * S * 0.16, cy + math.sin(angle) * S * 0.16)], fill=255, width=6
            )
        canvas.fill(veins, TONES[look.tone].dark, 0.5)
        round_gem(canvas, cx, cy, S * 0.05, "diamond" if look.stone == "none" else look.stone, look.tone)
        return
    # An olive branch: a curved stem, leaves in pairs, olives of the stone.
    stem = curve(
        lambda t: (cx - S * 0.3 + t * S * 0.6, cy + S * 0.12 - math.sin(t * math.pi) * S * 0.16 - t * S * 0.06), 80
    )
    shape = Shape()
    shape.line(stem, fill=255, width=round(S * 0.012), joint="curve")
    for i in range(1, 9):
        x, y = stem[i * 9]
        tangent = math.atan2(stem[i * 9 + 1][1] - y, stem[i * 9 + 1][0] - x)
        side = 1 if i % 2 else -1
        shape.polygon(leaf_points(x, y, S * 0.13, S * 0.045, tangent + side * 0.75 - 0.25), fill=255)
    canvas.metal(shape, look.tone)
    veins = Shape()
    for i in range(1, 9):
        x, y = stem[i * 9]
        tangent = math.atan2(stem[i * 9 + 1][1] - y, stem[i * 9 + 1][0] - x)
        angle = tangent + (1 if i % 2 else -1) * 0.75 - 0.25
        veins.line([(x, y), (x + math.cos(angle) * S * 0.1, y + math.sin(angle) * S * 0.1)], fill=255, width=5)
    canvas.fill(veins, TONES[look.tone].dark, 0.45)
    olives = [stem[22], stem[49], stem[67]]
    for x, y in olives:
        if look.stone == "none":
            olive = Shape()
            olive.ellipse((x - S * 0.024, y + S * 0.01, x + S * 0.024, y + S * 0.07), fill=255)
            canvas.metal(olive, look.tone)
        else:
            outline = ellipse_points(x, y + S * 0.04, S * 0.024, S * 0.033, start=-math.pi / 2, end=math.pi * 1.5, n=18)
            if look.stone == "pearl":
                pearl(canvas, x, y + S * 0.04, S * 0.028)
            else:
                gem_top(canvas, outline, (x, y + S * 0.04), look.stone)


PAINTERS = {
    "rings": paint_rings,
    "wedding-bands": paint_wedding_bands,
    "necklaces": paint_necklaces,
    "pendants": paint_pendants,
    "earrings": paint_earrings,
    "bracelets": paint_bracelets,
    "anklets": paint_anklets,
    "charms": paint_charms,
    "brooches": paint_brooches,
}


def paint(look: Look) -> Image.Image:
    """The picture for a look, 1200 x 1200 RGB. Deterministic: the look's key seeds every choice."""
    seed = zlib.crc32(look.key.encode())
    canvas = Canvas((seed >> 3) % len(BACKDROPS))
    PAINTERS[look.category](canvas, look)
    return canvas.finish()


def paint_jpeg(look: Look, quality: int = 88) -> bytes:
    buffer = BytesIO()
    # Baseline, not progressive: the original is read back at once for its renditions, and decodes twice as fast.
    paint(look).save(buffer, "JPEG", quality=quality, optimize=True)
    return buffer.getvalue()


def paint_look(look: Look) -> tuple[Look, bytes]:
    """The worker-process entry point: the look back with its JPEG, so results can arrive in any order."""
    return look, paint_jpeg(look)
