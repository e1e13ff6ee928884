#!/bin/sh
# rahil report system tests: a small rahil compare --out DIR on sim:ice40 saves its table (the
# same text as --json prints), one CSV per campaign with one line per injection the table counts
# and the listed columns, and the predictions' buckets; rahil report DIR draws every plot (a
# nonempty PNG) and a page that shows each of them; rahil report refuses, exit 1 naming what is
# wrong, an empty directory, a missing CSV, a CSV one injection short or with another estimate,
# a row name that is not one compare writes, and a PATH without gnuplot; rahil campaign --out
# DIR saves one campaign, whose page rahil report draws too, and refuses --journal.
# usage: test_report.sh RAHIL
set -u
RAHIL=${1:-build/rahil}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0 skip=0
echo "declared: 12 tests"
ok() { echo "ok    $1"; pass=$((pass + 1)); }
bad() { echo "FAIL  $1: $2"; fail=$((fail + 1)); }

run="$tmp/run"
cols="index,draw,image,label,bit,ff,ff_index,ff_class,group,layer,cycle,outcome,class,golden_class,correct,weight"
# row_n NAME: the n of the table's row NAME (cJSON_Print: "n" is the row's last key)
row_n() { awk -v row="\"$1\"," '$1 == "\"name\":" { on = ($2 " " $3 == row || $2 == row) }
	on && $1 == "\"n\":" { gsub(",", "", $2); print $2; exit }' "$run/compare.json"; }

name=compare_out_saves_the_table
if ! "$RAHIL" compare -m models/mlp.rmod --backend sim:ice40 --n 300 --calib-n 200 --images 10 \
	--pred-n 2000 --json -q --out "$run" >"$tmp/stdout.json" 2>"$tmp/err"; then
	bad $name "rahil compare --out failed: $(cat "$tmp/err")"
elif ! cmp -s "$tmp/stdout.json" "$run/compare.json"; then
	bad $name "$run/compare.json differs from what --json printed"
else
	ok $name
fi

# csv FILE N: FILE has the header and N injection lines of 16 fields
name=csv_one_line_per_injection
msg=""
for f in uniform:"RA_HW uniform" is:"RA_HW is" calibration:calibration; do
	file=$run/${f%%:*}.csv row=${f#*:}
	if [ "$row" = calibration ]; then
		n=$(sed -n 's/^[[:space:]]*"calibration_n":[[:space:]]*\([0-9]*\),$/\1/p' "$run/compare.json")
	else
		n=$(row_n "$row")
	fi
	if [ ! -f "$file" ]; then
		msg="$msg ${file##*/} missing;"
	elif [ "$(head -n 1 "$file")" != "$cols" ]; then
		msg="$msg ${file##*/} header '$(head -n 1 "$file")';"
	elif [ -z "$n" ] || [ $(($(wc -l <"$file") - 1)) -ne "$n" ]; then
		msg="$msg ${file##*/} has $(($(wc -l <"$file") - 1)) lines, the table counts '$n';"
	elif [ "$(awk -F, 'NR > 1 && NF != 16' "$file" | wc -l)" -ne 0 ]; then
		msg="$msg ${file##*/} has lines without 16 fields;"
	fi
done
[ "$(row_n "RA_HW uniform")" = 300 ] || msg="$msg the uniform row's n is '$(row_n "RA_HW uniform")', not 300;"
if [ -n "$msg" ]; then bad $name "$msg"; else ok $name; fi

name=csv_names_group_and_layer
if awk -F, 'NR > 1 && ($9 == "" || $10 !~ /^[0-9]+$/ || $6 == "?") { bad = 1 } END { exit !bad }' "$run/uniform.csv"; then
	bad $name "uniform.csv has an injection without a flip-flop, register group or layer"
elif [ "$(cut -d, -f2 "$run/uniform.csv" | sed 1d | sort -n | uniq | wc -l)" -ne 300 ]; then
	bad $name "uniform.csv's draws are not 300 distinct positions"
else
	ok $name
fi

name=report_draws_every_plot
if ! "$RAHIL" report "$run" >"$tmp/out" 2>"$tmp/err"; then
	bad $name "rahil report failed: $(cat "$tmp/err")"
elif [ "$(cat "$tmp/out")" != "$run/report.html" ] || [ ! -s "$run/report.html" ]; then
	bad $name "no $run/report.html (printed '$(cat "$tmp/out")')"
else
	msg=""
	srcs=$(sed -n 's/.*<img src="\([^"]*\)".*/\1/p' "$run/report.html")
	[ "$(echo "$srcs" | wc -l)" -eq 8 ] || msg="$msg $(echo "$srcs" | wc -l) plots on the page, expected 8;"
	for s in $srcs; do
		if [ ! -s "$run/$s" ] || [ "$(head -c 4 "$run/$s" | od -An -tx1 | tr -d ' ')" != 89504e47 ]; then
			msg="$msg $s is not a nonempty PNG;"
		fi
	done
	for p in "$run"/report-*.png; do
		grep -q "src=\"${p##*/}\"" "$run/report.html" || msg="$msg the page does not show ${p##*/};"
	done
	for c in compare.json uniform.csv is.csv calibration.csv predictions.csv; do
		grep -q "href=\"$c\"" "$run/report.html" || msg="$msg the page does not link $c;"
	done
	if [ -n "$msg" ]; then bad $name "$msg"; else ok $name; fi
fi

# refuse NAME PATTERN DIR [ENV...]: rahil report DIR exits 1 with a message matching PATTERN
refuse() {
	name=$1 pat=$2 dir=$3
	shift 3
	env "$@" "$RAHIL" report "$dir" >/dev/null 2>"$tmp/err"
	rc=$?
	if [ $rc -ne 1 ] || ! grep -q "$pat" "$tmp/err"; then
		bad $name "exit $rc, expected 1 with '$pat': $(cat "$tmp/err")"
	else
		ok $name
	fi
}
mkdir "$tmp/empty"
refuse report_refuses_empty_dir "$tmp/empty/compare.json: No such file" "$tmp/empty"
mkdir "$tmp/no-is" && cp "$run"/* "$tmp/no-is/" && rm "$tmp/no-is/is.csv"
refuse report_refuses_missing_csv "no-is/is.csv: No such file" "$tmp/no-is"
mkdir "$tmp/short" && cp "$run"/* "$tmp/short/" && sed -i '$d' "$tmp/short/uniform.csv"
refuse report_refuses_short_csv "uniform.csv has 299 injections, compare.json counts 300" "$tmp/short"
# the first injection's faulty run counted the other way: the estimate moves by 1/300
mkdir "$tmp/other" && cp "$run"/* "$tmp/other/" &&
	awk -F, -v OFS=, 'NR == 2 { $15 = 1 - $15 } 1' "$run/uniform.csv" >"$tmp/other/uniform.csv"
if cmp -s "$run/uniform.csv" "$tmp/other/uniform.csv"; then
	bad report_refuses_other_estimate "the planted change did not change uniform.csv"
else
	refuse report_refuses_other_estimate "uniform.csv gives the drop" "$tmp/other"
fi
# a row name that could close a quoted string in the gnuplot script
mkdir "$tmp/quote" && cp "$run"/* "$tmp/quote/" &&
	sed -i "s/\"RA_True-nc\"/\"RA_True-nc');print('x\"/" "$tmp/quote/compare.json"
refuse report_refuses_quote_in_a_name "row name 'RA_True-nc');print('x' is not" "$tmp/quote"
refuse report_needs_gnuplot "gnuplot is not on PATH" "$run" PATH="$tmp/empty"

# rahil campaign --out: one campaign's directory, and its page without predictions
name=campaign_out_and_report
one="$tmp/one"
if ! "$RAHIL" campaign -m models/mlp.rmod --backend sim:ice40 --sampler is --n 200 --images 10 --json -q \
	--out "$one" >"$tmp/one.json" 2>"$tmp/err"; then
	bad $name "rahil campaign --out failed: $(cat "$tmp/err")"
elif ! cmp -s "$tmp/one.json" "$one/campaign.json"; then
	bad $name "$one/campaign.json differs from what --json printed"
elif [ "$(head -n 1 "$one/is.csv")" != "$cols" ] || [ "$(wc -l <"$one/is.csv")" -ne 201 ]; then
	bad $name "$one/is.csv: not the header and 200 injections"
elif ! "$RAHIL" report "$one" >/dev/null 2>"$tmp/err"; then
	bad $name "rahil report on it failed: $(cat "$tmp/err")"
elif [ "$(grep -c '<img src="report-.*\.png"' "$one/report.html")" -ne 8 ] ||
	! grep -q 'href="campaign.json"' "$one/report.html" || grep -q 'predictions.csv' "$one/report.html"; then
	bad $name "$one/report.html does not show 8 plots and link campaign.json (and no predictions)"
else
	ok $name
fi
name=campaign_out_refuses_journal
"$RAHIL" campaign -m models/mlp.rmod --backend sim:ice40 --sampler uniform --n 200 --images 10 -q \
	--out "$tmp/j" --journal "$tmp/j.jnl" >/dev/null 2>"$tmp/err"
rc=$?
if [ $rc -ne 1 ] || ! grep -q -- "--out with --journal" "$tmp/err" || [ -e "$tmp/j" ]; then
	bad $name "exit $rc, expected 1 before creating the directory: $(cat "$tmp/err")"
else
	ok $name
fi

echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
