package bills

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"iter"
	"strings"
)

// Reader reads the records of a bill or statement in the layout WeChat
// Pay documents: a header line naming the columns; one line per record,
// every value behind a backtick (`) so that spreadsheets keep long numbers
// as text; then the summary, a header line of its own and one line of
// totals. The backticks are removed.
//
//	r := bills.NewReader(f)
//	for rec, err := range r.All() {
//		if err != nil {
//			return err
//		}
//		fmt.Println(rec.Get("商户订单号"), rec.Get("应结订单金额"))
//	}
//	sum, err := r.Summary()
//	fmt.Println(sum.Get("总交易单数"))
type Reader struct {
	csv     *csv.Reader
	columns *columns
	summary Record
	line    int
	done    bool
	err     error
}

// Record is one line of a bill: its values, and the columns they are in.
type Record struct {
	cols   *columns
	values []string
}

type columns struct {
	names []string
	index map[string]int
}

func newColumns(names []string) *columns {
	c := &columns{names: names, index: make(map[string]int, len(names))}
	for i, n := range names {
		if _, dup := c.index[n]; !dup {
			c.index[n] = i
		}
	}
	return c
}

// Get returns the value in the named column, "" if there is no such
// column.
func (r Record) Get(column string) string {
	if r.cols == nil {
		return ""
	}
	if i, ok := r.cols.index[column]; ok && i < len(r.values) {
		return r.values[i]
	}
	return ""
}

// Values returns the values in column order. The slice is the record's
// own.
func (r Record) Values() []string { return r.values }

// Columns returns the column names, shared by every record of a reader.
func (r Record) Columns() []string {
	if r.cols == nil {
		return nil
	}
	return r.cols.names
}

// NewReader returns a Reader of the bill text r holds.
func NewReader(r io.Reader) *Reader {
	c := csv.NewReader(r)
	c.FieldsPerRecord = -1
	c.LazyQuotes = true
	return &Reader{csv: c}
}

// Columns returns the column names of the records, reading the header
// line if no record was read yet.
func (r *Reader) Columns() ([]string, error) {
	if err := r.readHeader(); err != nil {
		return nil, err
	}
	return r.columns.names, nil
}

func (r *Reader) readHeader() error {
	if r.columns != nil || r.err != nil {
		return r.err
	}
	line, err := r.next()
	if err == io.EOF {
		err = errors.New("bills: the bill is empty")
	}
	if err != nil {
		r.err = err
		return err
	}
	line[0] = strings.TrimPrefix(line[0], "\ufeff")
	r.columns = newColumns(line)
	return nil
}

// next reads one line.
func (r *Reader) next() ([]string, error) {
	line, err := r.csv.Read()
	if err != nil {
		return nil, err
	}
	r.line++
	return line, nil
}

// Read returns the next record, or io.EOF after the last one, when the
// summary has been read.
func (r *Reader) Read() (Record, error) {
	if err := r.readHeader(); err != nil {
		return Record{}, err
	}
	if r.done {
		return Record{}, io.EOF
	}
	line, err := r.next()
	if err == io.EOF {
		// A bill cut before its summary.
		r.done = true
		return Record{}, io.EOF
	}
	if err != nil {
		r.err = fmt.Errorf("bills: %w", err)
		return Record{}, r.err
	}
	if !strings.HasPrefix(line[0], "`") {
		// Values always start with a backtick, names never: this is the
		// summary header.
		if err := r.readSummary(line); err != nil {
			r.err = err
			return Record{}, err
		}
		r.done = true
		return Record{}, io.EOF
	}
	if len(line) != len(r.columns.names) {
		r.err = fmt.Errorf("bills: line %d has %d values for %d columns", r.line, len(line), len(r.columns.names))
		return Record{}, r.err
	}
	return Record{cols: r.columns, values: unquote(line)}, nil
}

func (r *Reader) readSummary(header []string) error {
	cols := newColumns(header)
	line, err := r.next()
	if err == io.EOF {
		r.summary = Record{cols: cols}
		return nil
	}
	if err != nil {
		return fmt.Errorf("bills: %w", err)
	}
	if len(line) != len(header) {
		return fmt.Errorf("bills: summary line %d has %d values for %d columns", r.line, len(line), len(header))
	}
	r.summary = Record{cols: cols, values: unquote(line)}
	return nil
}

// unquote removes the backtick before each value.
func unquote(line []string) []string {
	for i, v := range line {
		line[i] = strings.TrimPrefix(v, "`")
	}
	return line
}

// All iterates over the records that are left. It stops after the first
// error, which it yields.
func (r *Reader) All() iter.Seq2[Record, error] {
	return func(yield func(Record, error) bool) {
		for {
			rec, err := r.Read()
			if err == io.EOF {
				return
			}
			if !yield(rec, err) || err != nil {
				return
			}
		}
	}
}

// Summary returns the summary: the totals after the records, by the
// columns of its own header (总交易单数, 应结订单总金额, ... for a trade
// bill). It reads past the records that are left.
func (r *Reader) Summary() (Record, error) {
	for {
		_, err := r.Read()
		if err == io.EOF {
			return r.summary, nil
		}
		if err != nil {
			return Record{}, err
		}
	}
}
