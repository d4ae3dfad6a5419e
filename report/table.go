package report

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"
)

// Table is the one table style of xcheck's text output: borderless, ASCII
// only, two spaces between columns, no trailing blanks, so it reads the same
// in any terminal and in CI logs. Cells may carry ANSI colours: widths are
// computed without them.
type Table struct {
	buf bytes.Buffer
	tbl *tablewriter.Table
}

// NewTable returns a table whose columns are aligned as align says (left
// for columns past its end).
func NewTable(align []tw.Align) *Table {
	t := &Table{}
	t.tbl = tablewriter.NewTable(&t.buf,
		tablewriter.WithRenderer(renderer.NewBlueprint(tw.Rendition{
			Borders: tw.BorderNone,
			Symbols: tw.NewSymbols(tw.StyleASCII),
			Settings: tw.Settings{
				Separators: tw.Separators{ShowHeader: tw.Off, ShowFooter: tw.Off, BetweenRows: tw.Off, BetweenColumns: tw.Off},
				Lines:      tw.Lines{ShowTop: tw.Off, ShowBottom: tw.Off, ShowHeaderLine: tw.Off, ShowFooterLine: tw.Off},
			},
		})),
		tablewriter.WithHeaderAutoFormat(tw.Off),
		tablewriter.WithHeaderAlignmentConfig(tw.CellAlignment{Global: tw.AlignLeft, PerColumn: align}),
		tablewriter.WithRowAlignmentConfig(tw.CellAlignment{Global: tw.AlignLeft, PerColumn: align}),
		tablewriter.WithRowAutoWrap(tw.WrapNone),
		tablewriter.WithPadding(tw.Padding{Left: "", Right: "  ", Overwrite: true}),
		tablewriter.WithTrimSpace(tw.Off),
	)
	return t
}

// Header sets the column titles.
func (t *Table) Header(cols ...string) { t.tbl.Header(cols) }

// Append adds a row.
func (t *Table) Append(cells []string) error { return t.tbl.Append(cells) }

// Render writes the table to w.
func (t *Table) Render(w io.Writer) error {
	if err := t.tbl.Render(); err != nil {
		return err
	}
	for line := range strings.Lines(t.buf.String()) {
		if _, err := fmt.Fprintln(w, strings.TrimRight(line, " \n")); err != nil {
			return err
		}
	}
	return nil
}
