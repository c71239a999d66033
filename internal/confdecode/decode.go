package confdecode

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Into stores raw, a value as viper returns it, into what dst points to:
// a string, int, uint16 (a port, 1-65535), float64, bool, time.Duration, a
// slice of those or of structs, or a struct, whose fields are named by their
// json tags and matched without regard to case. nil leaves dst as it is.
//
// A single value where a list belongs is a list of one; an empty list is
// nil. A list or struct with a problem anywhere inside is left as it was,
// but every struct field is still tried, so that one call reports every
// problem. The problems are *Error, joined.
func Into(dst any, raw any) error {
	v := reflect.ValueOf(dst)
	if v.Kind() != reflect.Pointer || v.IsNil() {
		panic(fmt.Sprintf("confdecode.Into: %T is not a non-nil pointer", dst))
	}
	var d decoder
	d.value("", v.Elem(), raw, false)
	return errors.Join(d.errs...)
}

type decoder struct {
	errs []error
}

func (d *decoder) fail(path string, err error) bool {
	d.errs = append(d.errs, &Error{Path: path, Err: err})
	return false
}

var durationType = reflect.TypeFor[time.Duration]()

// value decodes raw into v and reports whether it could; item says raw is
// an item of a list.
func (d *decoder) value(path string, v reflect.Value, raw any, item bool) bool {
	if raw == nil {
		return true
	}
	if v.Type() == durationType {
		t, err := toDuration(raw)
		if err != nil {
			return d.fail(path, err)
		}
		v.SetInt(int64(t))
		return true
	}
	switch v.Kind() {
	case reflect.String:
		s, err := toString(raw, item)
		if err != nil {
			return d.fail(path, err)
		}
		v.SetString(s)
	case reflect.Int:
		n, ok := toInt(raw)
		if !ok {
			return d.fail(path, fmt.Errorf("expected an integer, got %s", Describe(raw)))
		}
		v.SetInt(int64(n))
	case reflect.Uint16:
		n, ok := toInt(raw)
		if !ok || n < 1 || n > 65535 {
			return d.fail(path, fmt.Errorf("expected a port between 1 and 65535, got %s", Describe(raw)))
		}
		v.SetUint(uint64(n))
	case reflect.Float64:
		f, ok := toFloat(raw)
		if !ok {
			return d.fail(path, fmt.Errorf("expected a number, got %s", Describe(raw)))
		}
		v.SetFloat(f)
	case reflect.Bool:
		b, ok := toBool(raw)
		if !ok {
			return d.fail(path, fmt.Errorf("expected true or false, got %s", Describe(raw)))
		}
		v.SetBool(b)
	case reflect.Slice:
		return d.slice(path, v, raw)
	case reflect.Struct:
		return d.structure(path, v, raw)
	default:
		// A programming error in a configuration type, caught by its tests.
		panic(fmt.Sprintf("confdecode: unsupported type %s", v.Type()))
	}
	return true
}

// slice decodes a list, or a single value as a list of one.
func (d *decoder) slice(path string, v reflect.Value, raw any) bool {
	if r := reflect.ValueOf(raw); r.Type() == v.Type() {
		// Already the type wanted, as defaults are: copied, so that the
		// value decoded never shares an array with the defaults.
		v.Set(reflect.AppendSlice(reflect.Zero(v.Type()), r))
		return true
	}
	var items []any
	single := false
	switch r := raw.(type) {
	case []any:
		items = r
	case []string:
		for _, s := range r {
			items = append(items, s)
		}
	case map[string]any, map[any]any:
		return d.fail(path, fmt.Errorf("expected a list of %s, got a mapping", itemsName(v.Type().Elem())))
	default:
		items, single = []any{raw}, true
	}
	out := reflect.Zero(v.Type())
	if len(items) > 0 {
		out = reflect.MakeSlice(v.Type(), len(items), len(items))
	}
	ok := true
	for i, item := range items {
		at := path + "[" + strconv.Itoa(i) + "]"
		if single {
			at = path
		}
		ok = d.value(at, out.Index(i), item, true) && ok
	}
	if ok {
		v.Set(out)
	}
	return ok
}

// itemsName says what a list of t holds, for messages.
func itemsName(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "strings"
	case reflect.Uint16:
		return "ports"
	case reflect.Struct:
		return "mappings"
	}
	return t.String() + " values"
}

// structure decodes a mapping into a struct, field by field.
func (d *decoder) structure(path string, v reflect.Value, raw any) bool {
	fields := fieldsOf(v.Type())
	m, ok := asMap(raw)
	if !ok {
		return d.fail(path, fmt.Errorf("expected a mapping with %s, got %s", strings.Join(names(fields), ", "), Describe(raw)))
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys) // map order otherwise: keep reports stable
	ok = true
	for _, k := range keys {
		i := slices.IndexFunc(fields, func(f field) bool { return strings.EqualFold(f.name, k) })
		if i < 0 {
			ok = d.fail(path, fmt.Errorf("unknown field %q%s", k, Suggest(strings.ToLower(k), names(fields))))
			continue
		}
		ok = d.value(join(path, fields[i].name), v.Field(fields[i].index), m[k], false) && ok
	}
	return ok
}

type field struct {
	name  string
	index int
}

// fieldsOf lists t's exported fields by their json names, in order.
func fieldsOf(t reflect.Type) []field {
	var out []field
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		out = append(out, field{name, i})
	}
	return out
}

func names(fields []field) []string {
	out := make([]string, len(fields))
	for i, f := range fields {
		out[i] = f.name
	}
	return out
}

// asMap accepts both mapping types YAML decoders produce.
func asMap(v any) (map[string]any, bool) {
	switch m := v.(type) {
	case map[string]any:
		return m, true
	case map[any]any:
		out := make(map[string]any, len(m))
		for k, v := range m {
			out[fmt.Sprint(k)] = v
		}
		return out, true
	}
	return nil, false
}
