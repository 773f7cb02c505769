#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
#
# Workbooks for the tests, written with nothing but zipfile, as a
# spreadsheet user would leave them:
#
#   xlsx.py fill IN.xlsx OUT.xlsx ROWS.csv [--number COL]... [--serial COL]...
#       keys the rows of ROWS.csv (no header) into the first sheet of
#       IN.xlsx below its header, as Excel stores typed text: inline
#       strings, but number cells in the --number columns (letters), and
#       date cells (serial days, the column's own date style) in the
#       --serial columns
#   xlsx.py make OUT.xlsx ROWS.csv [--sheet NAME]... [--number COL]...
#          [--merge RANGE]...
#       a new workbook whose first sheet holds ROWS.csv (with its header),
#       every text cell a shared string, and further empty sheets; each
#       --merge RANGE (A3:A5) merges those cells, listed after the rows
#       as Excel does (the value stays in the first cell, as keyed)
#   xlsx.py read IN.xlsx
#       prints the first sheet's rows as CSV (shared and inline strings,
#       the values of other cells)
import csv
import datetime
import re
import sys
import zipfile
from xml.sax.saxutils import escape

NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main'
RNS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships'


def col_name(i):
    s = ''
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


def col_index(name):
    n = 0
    for ch in name:
        n = n * 26 + ord(ch) - 64
    return n - 1


def excel_serial(text):
    m = re.match(r'(\d{4})-(\d\d)-(\d\d)(?: (\d\d):(\d\d))?$', text)
    if not m:
        return None
    d = datetime.datetime(int(m[1]), int(m[2]), int(m[3]),
                          int(m[4] or 0), int(m[5] or 0))
    delta = d - datetime.datetime(1899, 12, 30)
    return delta.days + delta.seconds / 86400


def num_text(text):
    # what Excel stores for a number typed into a General cell: 15
    # significant digits
    v = float('%.15g' % float(text))
    if v.is_integer() and abs(v) < 1e21:
        return str(int(v))
    return repr(v).replace('e+', 'E+')


def cell(ref, text, number=False, style=None):
    s = ' s="%d"' % style if style is not None else ''
    if number:
        return '<c r="%s"%s><v>%s</v></c>' % (ref, s, text)
    return ('<c r="%s"%s t="inlineStr"><is><t xml:space="preserve">%s</t>'
            '</is></c>' % (ref, s, escape(text)))


def fill(src, dst, rows_csv, numbers, serials):
    with zipfile.ZipFile(src) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    name = 'xl/worksheets/sheet1.xml'
    xml = parts[name].decode()
    styles = {}
    for m in re.finditer(r'<col min="(\d+)" max="(\d+)"[^>]*style="(\d+)"',
                         xml):
        for c in range(int(m[1]), int(m[2]) + 1):
            styles[c - 1] = int(m[3])
    rows = list(csv.reader(open(rows_csv, encoding='utf-8')))
    out = []
    for r, row in enumerate(rows, start=2):
        cells = []
        for c, text in enumerate(row):
            if text == '':
                continue
            ref = '%s%d' % (col_name(c), r)
            letter = col_name(c)
            if letter in serials and excel_serial(text) is not None:
                cells.append(cell(ref, repr(excel_serial(text)), True,
                                  styles.get(c)))
            elif letter in numbers:
                cells.append(cell(ref, num_text(text), True))
            else:
                cells.append(cell(ref, text, False, styles.get(c)))
        out.append('<row r="%d">%s</row>' % (r, ''.join(cells)))
    xml = xml.replace('</sheetData>', ''.join(out) + '</sheetData>', 1)
    parts[name] = xml.encode()
    with zipfile.ZipFile(dst, 'w', zipfile.ZIP_DEFLATED) as z:
        for n, data in parts.items():
            z.writestr(n, data)


def make(dst, rows_csv, sheets, numbers, merges):
    rows = list(csv.reader(open(rows_csv, encoding='utf-8')))
    strings, index = [], {}
    sheet_rows = []
    for r, row in enumerate(rows, start=1):
        cells = []
        for c, text in enumerate(row):
            if text == '':
                continue
            ref = '%s%d' % (col_name(c), r)
            if r > 1 and col_name(c) in numbers:
                cells.append('<c r="%s"><v>%s</v></c>' % (ref,
                                                         num_text(text)))
                continue
            if text not in index:
                index[text] = len(strings)
                strings.append(text)
            cells.append('<c r="%s" t="s"><v>%d</v></c>' % (ref, index[text]))
        sheet_rows.append('<row r="%d">%s</row>' % (r, ''.join(cells)))
    names = ['Sheet1'] + sheets
    parts = {}
    parts['[Content_Types].xml'] = (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.'
        'openxmlformats.org/package/2006/content-types"><Default Extension='
        '"rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="'
        'application/xml"/></Types>')
    parts['_rels/.rels'] = (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://'
        'schemas.openxmlformats.org/package/2006/relationships"><Relationship'
        ' Id="rId1" Type="%s/officeDocument" Target="xl/workbook.xml"/>'
        '</Relationships>' % RNS)
    # the sheets listed in reverse order of their parts, as after a move
    parts['xl/workbook.xml'] = (
        '<?xml version="1.0" encoding="UTF-8"?><x:workbook xmlns:x="%s" '
        'xmlns:r="%s"><x:sheets>%s</x:sheets></x:workbook>' % (NS, RNS, ''.join(
            '<x:sheet name="%s" sheetId="%d" r:id="rId%d"/>' % (
                escape(n), i + 1, len(names) - i)
            for i, n in enumerate(names))))
    parts['xl/_rels/workbook.xml.rels'] = (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://'
        'schemas.openxmlformats.org/package/2006/relationships">%s'
        '<Relationship Id="rIdS" Type="%s/sharedStrings" Target="'
        'sharedStrings.xml"/></Relationships>' % (''.join(
            '<Relationship Id="rId%d" Type="%s/worksheet" Target="/xl/'
            'worksheets/sheet%d.xml"/>' % (len(names) - i, RNS, i + 1)
            for i in range(len(names))), RNS))
    for i, n in enumerate(names):
        data = ''.join(sheet_rows) if i == 0 else ''
        merged = ''
        if i == 0 and merges:
            merged = '<x:mergeCells count="%d">%s</x:mergeCells>' % (
                len(merges), ''.join('<x:mergeCell ref="%s"/>' % m
                                     for m in merges))
        parts['xl/worksheets/sheet%d.xml' % (i + 1)] = (
            '<?xml version="1.0" encoding="UTF-8"?><x:worksheet xmlns:x="%s">'
            '<x:sheetData>%s</x:sheetData>%s</x:worksheet>' % (
                NS, data.replace('<row', '<x:row').replace('</row', '</x:row')
                .replace('<c ', '<x:c ').replace('</c>', '</x:c>')
                .replace('<v>', '<x:v>').replace('</v>', '</x:v>'), merged))
    parts['xl/sharedStrings.xml'] = (
        '<?xml version="1.0" encoding="UTF-8"?><sst xmlns="%s" count="%d">%s'
        '</sst>' % (NS, len(strings), ''.join(
            # a phonetic guide, which is not part of the text
            '<si><r><t>%s</t></r><rPh sb="0" eb="1"><t>ピン</t></rPh></si>'
            % escape(s) for s in strings)))
    with zipfile.ZipFile(dst, 'w', zipfile.ZIP_DEFLATED) as z:
        for n, data in parts.items():
            z.writestr(n, data)


def read(src):
    with zipfile.ZipFile(src) as z:
        sheet = z.read('xl/worksheets/sheet1.xml').decode()
        try:
            sst = z.read('xl/sharedStrings.xml').decode()
        except KeyError:
            sst = ''
    strings = [re.sub(r'<[^>]+>', '', re.sub(r'<rPh.*?</rPh>', '', si))
               for si in re.findall(r'<si>(.*?)</si>', sst, re.S)]
    w = csv.writer(sys.stdout, lineterminator='\n')
    for row in re.findall(r'<row[^>]*>(.*?)</row>', sheet, re.S):
        out = []
        for ref, attrs, body in re.findall(
                r'<c r="([A-Z]+)\d+"([^>]*)>(.*?)</c>', row, re.S):
            while len(out) < col_index(ref):
                out.append('')
            v = re.search(r'<v>(.*?)</v>', body)
            t = re.search(r'<t[^>]*>(.*?)</t>', body)
            if 't="s"' in attrs:
                out.append(strings[int(v[1])])
            elif t:
                out.append(t[1])
            else:
                out.append(v[1] if v else '')
        w.writerow(out)


def main(argv):
    opts = {'--number': [], '--serial': [], '--sheet': [], '--merge': []}
    args = []
    i = 1
    while i < len(argv):
        if argv[i] in opts:
            opts[argv[i]].append(argv[i + 1])
            i += 2
        else:
            args.append(argv[i])
            i += 1
    if args[0] == 'fill':
        fill(args[1], args[2], args[3], opts['--number'], opts['--serial'])
    elif args[0] == 'make':
        make(args[1], args[2], opts['--sheet'], opts['--number'],
             opts['--merge'])
    elif args[0] == 'read':
        read(args[1])


main(sys.argv)
