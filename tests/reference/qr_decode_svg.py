"""Rasterizes SVG images with CairoSVG and reads the QR codes in them with zxing-cpp.

This is PortierQR's end-to-end check: a real SVG renderer and a real decoder, neither of them
sharing code with the encoder.
Input (stdin): a JSON list of SVG documents (strings).
Output (stdout): a JSON list, one entry per SVG: a list of the QR codes found, each
{"bytes": <hex of the decoded bytes>, "text": str, "ec_level": str}.
"""
import io
import json
import sys

import cairosvg
import zxingcpp
from PIL import Image


def decode(svg):
    png = cairosvg.svg2png(bytestring=svg.encode("utf-8"))
    image = Image.open(io.BytesIO(png)).convert("L")
    results = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    return [
        {"bytes": result.bytes.hex(), "text": result.text, "ec_level": result.ec_level}
        for result in results
    ]


def main():
    documents = json.load(sys.stdin)
    json.dump([decode(svg) for svg in documents], sys.stdout)


if __name__ == "__main__":
    main()
