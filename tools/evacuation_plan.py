"""Draw the sample company's evacuation plan of the Hamburg ground floor as a PNG.

The facilities article on first aid and fire safety shows it next to its
section on evacuation, so that `make run` shows a picture in an article (and
in the answer card of a search for assembly points). The drawing is made with
Pillow's drawing module and its built-in scalable font, so nothing of the
machine it runs on ends up in the file; the PNG is committed (a few kilobytes,
indexed colours), so `make run` on a fresh clone needs nothing of this. Run it
again after changing the plan:

    .venv/bin/python -m tools.evacuation_plan [--content content]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

NAME = "facilities/hamburg-ground-floor-evacuation.png"
WIDTH, HEIGHT = 760, 520
WALL, ROOM, CORRIDOR = (40, 48, 60), (236, 240, 245), (255, 255, 255)
ROUTE, ALARM, AED, TEXT = (0, 128, 64), (200, 30, 30), (0, 110, 60), (20, 24, 32)
OUTSIDE, ASSEMBLY = (214, 222, 214), (0, 128, 64)

# name, box (left, top, right, bottom) inside the building
ROOMS = [
    ("Workshop hall", (60, 60, 330, 190)),
    ("Parcel room", (330, 60, 470, 190)),
    ("Stairs / lifts", (470, 60, 570, 190)),
    ("Canteen", (570, 60, 700, 300)),
    ("Kitchen", (570, 300, 700, 380)),
    ("Visitor lounge", (60, 250, 250, 380)),
    ("Reception", (250, 250, 420, 380)),
    ("Facilities 0.08", (420, 250, 570, 380)),
]
CORRIDOR_BOX = (60, 190, 570, 250)


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


def _arrow(draw: ImageDraw.ImageDraw, points: list[tuple[int, int]]) -> None:
    """An escape route: a thick green line with a head at its last point."""
    draw.line(points, fill=ROUTE, width=7, joint="curve")
    (x0, y0), (x1, y1) = points[-2], points[-1]
    if x0 == x1:
        d = 1 if y1 > y0 else -1
        head = [(x1 - 12, y1 - 14 * d), (x1 + 12, y1 - 14 * d), (x1, y1 + 6 * d)]
    else:
        d = 1 if x1 > x0 else -1
        head = [(x1 - 14 * d, y1 - 12), (x1 - 14 * d, y1 + 12), (x1 + 6 * d, y1)]
    draw.polygon(head, fill=ROUTE)


def _alarm(draw: ImageDraw.ImageDraw, x: int, y: int) -> None:
    draw.rectangle((x - 7, y - 7, x + 7, y + 7), fill=ALARM, outline=WALL)


def _aed(draw: ImageDraw.ImageDraw, x: int, y: int) -> None:
    draw.ellipse((x - 10, y - 10, x + 10, y + 10), fill=AED)
    draw.rectangle((x - 2, y - 6, x + 2, y + 6), fill=CORRIDOR)
    draw.rectangle((x - 6, y - 2, x + 6, y + 2), fill=CORRIDOR)


def _exit(
    draw: ImageDraw.ImageDraw, box: tuple[int, int, int, int], label: str, at: tuple[int, int]
) -> None:
    """A gap in the outer wall, named at `at` (left of the escape route's arrow)."""
    draw.rectangle(box, fill=CORRIDOR)
    draw.text(at, label, fill=ROUTE, font=_font(13))


def draw_plan() -> Image.Image:
    """The plan: rooms, corridor, exits, escape routes, alarms, defibrillators, legend."""
    image = Image.new("RGB", (WIDTH, HEIGHT), OUTSIDE)
    draw = ImageDraw.Draw(image)
    title = "Hamburg HQ, ground floor: escape routes"
    draw.text((20, 14), title, fill=TEXT, font=_font(20))
    draw.rectangle((60, 60, 700, 380), fill=ROOM, outline=WALL, width=4)
    draw.rectangle(CORRIDOR_BOX, fill=CORRIDOR)
    for name, box in ROOMS:
        draw.rectangle(box, outline=WALL, width=2)
        draw.text(
            ((box[0] + box[2]) // 2, box[1] + 14), name, fill=TEXT, font=_font(14), anchor="mt"
        )
    draw.rectangle((570, 190, 574, 250), fill=CORRIDOR)  # the canteen opens onto the corridor
    _exit(draw, (365, 376, 425, 384), "Main entrance", (270, 388))
    _exit(draw, (696, 120, 704, 170), "Side\nexit", (710, 168))
    _exit(draw, (250, 56, 310, 64), "Workshop gate", (296, 40))
    _arrow(draw, [(480, 220), (395, 220), (395, 398)])
    _arrow(draw, [(200, 220), (340, 220)])
    _arrow(draw, [(620, 220), (640, 220), (640, 145), (718, 145)])
    _arrow(draw, [(280, 160), (280, 44)])
    for x, y in ((410, 360), (686, 178), (310, 96), (500, 236)):
        _alarm(draw, x, y)
    for x, y in ((300, 320), (600, 240), (120, 160)):
        _aed(draw, x, y)
    # The car park in front of the main entrance, with assembly point A.
    draw.rectangle((200, 410, 475, 500), fill=CORRIDOR, outline=WALL, width=2)
    draw.text((210, 416), "Car park", fill=TEXT, font=_font(13))
    draw.ellipse((375, 420, 415, 460), fill=ASSEMBLY)
    draw.text((395, 440), "A", fill=CORRIDOR, font=_font(20), anchor="mm")
    draw.text((230, 466), "Assembly point A (Sammelplatz A)", fill=TEXT, font=_font(13))
    _legend(draw)
    return image


def _legend(draw: ImageDraw.ImageDraw) -> None:
    x, y = 500, 400
    draw.rectangle((x - 10, y - 8, WIDTH - 12, HEIGHT - 12), fill=CORRIDOR, outline=WALL)
    draw.line([(x, y + 8), (x + 30, y + 8)], fill=ROUTE, width=7)
    draw.text((x + 40, y), "Escape route", fill=TEXT, font=_font(13))
    _alarm(draw, x + 15, y + 38)
    draw.text((x + 40, y + 30), "Fire alarm button", fill=TEXT, font=_font(13))
    _aed(draw, x + 15, y + 70)
    draw.text((x + 40, y + 62), "Defibrillator (AED)", fill=TEXT, font=_font(13))
    draw.text((x, y + 92), "Do not use the lifts.", fill=ALARM, font=_font(13))


def write(content: Path) -> Path:
    """Write the plan into the content folder, in indexed colours; its path."""
    target = content / NAME
    plan = draw_plan().quantize(colors=32, dither=Image.Dither.NONE)
    plan.save(target, format="PNG", optimize=True)
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--content", type=Path, default=Path("content"))
    path = write(parser.parse_args().content)
    print(f"wrote {path} ({path.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
