;; Row softmax statistics for the fused output-head cross-entropy on the wasm backend, with wasm SIMD (128-bit).
;;
;;   max_expsum(x, y, rows, n, out):  for each row r of x [rows, n]: m = max_j x[r,j]; s = sum_j exp(x[r,j] - m);
;;                                    out[2r] = m, out[2r+1] = s; and, when y != 0, y[r,j] = exp(x[r,j] - m).
;;   scale_rows(y, rows, n, f):       y[r,j] *= f[r].
;;   row_max(x, rows, n, m):          m[r] = max(m[r], max_j x[r,j])           (one column block of a wider row)
;;   row_expsum(x, y, rows, n, m, s): s[r] += sum_j exp(x[r,j] - m[r]); y[r,j] = exp(x[r,j] - m[r]) when y != 0
;;                                    (y may be x: each element is read before it is written)
;;
;; Pointers are byte offsets of f32 arrays in the imported memory (tfjs-backend-wasm's heap). exp is Cephes' expf
;; (range reduction by ln 2, degree-6 polynomial, 2^k from the exponent bits: about 1 ulp), arguments clamped to
;; [-87.3, 88.7] (so exp of a very negative number is ~1e-38, not 0). NaN propagates. The clamp is f32x4.pmax/pmin
;; (one instruction each) and 2^k comes from k's float bits (k + 1.5 * 2^23 holds k in its low mantissa bits): V8
;; compiles both to fewer instructions than f32x4.max/min and trunc_sat (row_expsum 2.1 -> 1.45 ns per element).
(module
  (import "env" "memory" (memory 1))

  (func $exp4 (param $x v128) (result v128)
    (local $k v128) (local $r v128) (local $p v128)
    (local.set $x (f32x4.pmin (f32x4.pmax (local.get $x) (f32x4.splat (f32.const -87.3))) (f32x4.splat (f32.const 88.7))))
    (local.set $k (f32x4.nearest (f32x4.mul (local.get $x) (f32x4.splat (f32.const 1.44269504088896341)))))
    ;; r = x - k ln2 (ln2 in two parts so that r is exact)
    (local.set $r (f32x4.sub (local.get $x) (f32x4.mul (local.get $k) (f32x4.splat (f32.const 0.693359375)))))
    (local.set $r (f32x4.sub (local.get $r) (f32x4.mul (local.get $k) (f32x4.splat (f32.const -2.12194440e-4)))))
    (local.set $p (f32x4.splat (f32.const 1.9875691500e-4)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (f32x4.splat (f32.const 1.3981999507e-3))))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (f32x4.splat (f32.const 8.3334519073e-3))))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (f32x4.splat (f32.const 4.1665795894e-2))))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (f32x4.splat (f32.const 1.6666665459e-1))))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (f32x4.splat (f32.const 5.0000001201e-1))))
    (local.set $p (f32x4.add (f32x4.add (f32x4.mul (f32x4.mul (local.get $p) (local.get $r)) (local.get $r)) (local.get $r)) (f32x4.splat (f32.const 1))))
    ;; times 2^k: k + 127 into the exponent bits (k is in [-126, 128): 88.7 / ln2 < 128)
    (f32x4.mul (local.get $p)
      (i32x4.shl (i32x4.sub (f32x4.add (local.get $k) (f32x4.splat (f32.const 12582912))) (i32x4.splat (i32.const 0x4B3FFF81))) (i32.const 23))))

  (func (export "max_expsum") (param $x i32) (param $y i32) (param $rows i32) (param $n i32) (param $out i32)
    (local $r i32) (local $o i32) (local $nb i32) (local $nv i32) (local $px i32) (local $py i32)
    (local $m v128) (local $s v128) (local $e v128) (local $ms f32) (local $ss f32) (local $t v128)
    (local.set $nb (i32.shl (local.get $n) (i32.const 2)))
    (local.set $nv (i32.and (local.get $nb) (i32.const -16)))
    (block $done
      (loop $row
        (br_if $done (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $px (i32.add (local.get $x) (i32.mul (local.get $r) (local.get $nb))))
        (local.set $py (i32.add (local.get $y) (i32.mul (local.get $r) (local.get $nb))))
        ;; max
        (local.set $ms (call $vmax (local.get $px) (local.get $nb)))
        ;; sum of exp(x - max), and the exps themselves into y
        (local.set $m (f32x4.splat (local.get $ms)))
        (local.set $s (v128.const f32x4 0 0 0 0))
        (local.set $o (i32.const 0))
        (block $e1 (loop $ev
          (br_if $e1 (i32.ge_u (local.get $o) (local.get $nv)))
          (local.set $e (call $exp4 (f32x4.sub (v128.load (i32.add (local.get $px) (local.get $o))) (local.get $m))))
          (local.set $s (f32x4.add (local.get $s) (local.get $e)))
          (if (local.get $y) (then (v128.store (i32.add (local.get $py) (local.get $o)) (local.get $e))))
          (local.set $o (i32.add (local.get $o) (i32.const 16)))
          (br $ev)))
        (local.set $ss (f32.add (f32.add (f32x4.extract_lane 0 (local.get $s)) (f32x4.extract_lane 1 (local.get $s)))
                                (f32.add (f32x4.extract_lane 2 (local.get $s)) (f32x4.extract_lane 3 (local.get $s)))))
        (block $e2 (loop $et
          (br_if $e2 (i32.ge_u (local.get $o) (local.get $nb)))
          (local.set $t (call $exp4 (f32x4.splat (f32.sub (f32.load (i32.add (local.get $px) (local.get $o))) (local.get $ms)))))
          (local.set $ss (f32.add (local.get $ss) (f32x4.extract_lane 0 (local.get $t))))
          (if (local.get $y) (then (f32.store (i32.add (local.get $py) (local.get $o)) (f32x4.extract_lane 0 (local.get $t)))))
          (local.set $o (i32.add (local.get $o) (i32.const 4)))
          (br $et)))
        (f32.store (i32.add (local.get $out) (i32.shl (local.get $r) (i32.const 3))) (local.get $ms))
        (f32.store offset=4 (i32.add (local.get $out) (i32.shl (local.get $r) (i32.const 3))) (local.get $ss))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $row))))

  (func (export "scale_rows") (param $y i32) (param $rows i32) (param $n i32) (param $f i32)
    (local $r i32) (local $o i32) (local $nb i32) (local $nv i32) (local $py i32) (local $fv v128) (local $fs f32)
    (local.set $nb (i32.shl (local.get $n) (i32.const 2)))
    (local.set $nv (i32.and (local.get $nb) (i32.const -16)))
    (block $done
      (loop $row
        (br_if $done (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $py (i32.add (local.get $y) (i32.mul (local.get $r) (local.get $nb))))
        (local.set $fs (f32.load (i32.add (local.get $f) (i32.shl (local.get $r) (i32.const 2)))))
        (local.set $fv (f32x4.splat (local.get $fs)))
        (local.set $o (i32.const 0))
        (block $v1 (loop $v
          (br_if $v1 (i32.ge_u (local.get $o) (local.get $nv)))
          (v128.store (i32.add (local.get $py) (local.get $o)) (f32x4.mul (v128.load (i32.add (local.get $py) (local.get $o))) (local.get $fv)))
          (local.set $o (i32.add (local.get $o) (i32.const 16)))
          (br $v)))
        (block $t1 (loop $t
          (br_if $t1 (i32.ge_u (local.get $o) (local.get $nb)))
          (f32.store (i32.add (local.get $py) (local.get $o)) (f32.mul (f32.load (i32.add (local.get $py) (local.get $o))) (local.get $fs)))
          (local.set $o (i32.add (local.get $o) (i32.const 4)))
          (br $t)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $row))))

  ;; max over nb bytes at p: four accumulators over 64-byte steps (a single one waits on each f32x4.max's latency:
  ;; ~1.1 ns per element), then 16-byte steps, then floats; max is exact, so the order changes nothing
  (func $vmax (param $p i32) (param $nb i32) (result f32)
    (local $o i32) (local $nv i32) (local $n64 i32) (local $m v128) (local $m1 v128) (local $m2 v128) (local $m3 v128) (local $ms f32)
    (local.set $nv (i32.and (local.get $nb) (i32.const -16)))
    (local.set $n64 (i32.and (local.get $nb) (i32.const -64)))
    (local.set $m (f32x4.splat (f32.const -inf)))
    (local.set $m1 (local.get $m))
    (local.set $m2 (local.get $m))
    (local.set $m3 (local.get $m))
    (block $q1 (loop $q
      (br_if $q1 (i32.ge_u (local.get $o) (local.get $n64)))
      (local.set $m (f32x4.max (local.get $m) (v128.load (i32.add (local.get $p) (local.get $o)))))
      (local.set $m1 (f32x4.max (local.get $m1) (v128.load offset=16 (i32.add (local.get $p) (local.get $o)))))
      (local.set $m2 (f32x4.max (local.get $m2) (v128.load offset=32 (i32.add (local.get $p) (local.get $o)))))
      (local.set $m3 (f32x4.max (local.get $m3) (v128.load offset=48 (i32.add (local.get $p) (local.get $o)))))
      (local.set $o (i32.add (local.get $o) (i32.const 64)))
      (br $q)))
    (local.set $m (f32x4.max (f32x4.max (local.get $m) (local.get $m1)) (f32x4.max (local.get $m2) (local.get $m3))))
    (block $m1 (loop $mv
      (br_if $m1 (i32.ge_u (local.get $o) (local.get $nv)))
      (local.set $m (f32x4.max (local.get $m) (v128.load (i32.add (local.get $p) (local.get $o)))))
      (local.set $o (i32.add (local.get $o) (i32.const 16)))
      (br $mv)))
    (local.set $ms (f32.max (f32.max (f32x4.extract_lane 0 (local.get $m)) (f32x4.extract_lane 1 (local.get $m)))
                            (f32.max (f32x4.extract_lane 2 (local.get $m)) (f32x4.extract_lane 3 (local.get $m)))))
    (block $m2 (loop $mt
      (br_if $m2 (i32.ge_u (local.get $o) (local.get $nb)))
      (local.set $ms (f32.max (local.get $ms) (f32.load (i32.add (local.get $p) (local.get $o)))))
      (local.set $o (i32.add (local.get $o) (i32.const 4)))
      (br $mt)))
    (local.get $ms))

  (func (export "row_max") (param $x i32) (param $rows i32) (param $n i32) (param $m i32)
    (local $r i32) (local $nb i32) (local $pm i32)
    (local.set $nb (i32.shl (local.get $n) (i32.const 2)))
    (block $done
      (loop $row
        (br_if $done (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $pm (i32.add (local.get $m) (i32.shl (local.get $r) (i32.const 2))))
        (f32.store (local.get $pm) (f32.max (f32.load (local.get $pm))
          (call $vmax (i32.add (local.get $x) (i32.mul (local.get $r) (local.get $nb))) (local.get $nb))))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $row))))

  (func (export "row_expsum") (param $x i32) (param $y i32) (param $rows i32) (param $n i32) (param $m i32) (param $s i32)
    (local $r i32) (local $o i32) (local $nb i32) (local $nv i32) (local $px i32) (local $py i32) (local $ps i32)
    (local $mv v128) (local $sv v128) (local $e v128) (local $ms f32) (local $ss f32) (local $t v128)
    (local.set $nb (i32.shl (local.get $n) (i32.const 2)))
    (local.set $nv (i32.and (local.get $nb) (i32.const -16)))
    (block $done
      (loop $row
        (br_if $done (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $px (i32.add (local.get $x) (i32.mul (local.get $r) (local.get $nb))))
        (local.set $py (i32.add (local.get $y) (i32.mul (local.get $r) (local.get $nb))))
        (local.set $ms (f32.load (i32.add (local.get $m) (i32.shl (local.get $r) (i32.const 2)))))
        (local.set $mv (f32x4.splat (local.get $ms)))
        (local.set $sv (v128.const f32x4 0 0 0 0))
        (local.set $o (i32.const 0))
        (block $e1 (loop $ev
          (br_if $e1 (i32.ge_u (local.get $o) (local.get $nv)))
          (local.set $e (call $exp4 (f32x4.sub (v128.load (i32.add (local.get $px) (local.get $o))) (local.get $mv))))
          (local.set $sv (f32x4.add (local.get $sv) (local.get $e)))
          (if (local.get $y) (then (v128.store (i32.add (local.get $py) (local.get $o)) (local.get $e))))
          (local.set $o (i32.add (local.get $o) (i32.const 16)))
          (br $ev)))
        (local.set $ss (f32.add (f32.add (f32x4.extract_lane 0 (local.get $sv)) (f32x4.extract_lane 1 (local.get $sv)))
                                (f32.add (f32x4.extract_lane 2 (local.get $sv)) (f32x4.extract_lane 3 (local.get $sv)))))
        (block $e2 (loop $et
          (br_if $e2 (i32.ge_u (local.get $o) (local.get $nb)))
          (local.set $t (call $exp4 (f32x4.splat (f32.sub (f32.load (i32.add (local.get $px) (local.get $o))) (local.get $ms)))))
          (local.set $ss (f32.add (local.get $ss) (f32x4.extract_lane 0 (local.get $t))))
          (if (local.get $y) (then (f32.store (i32.add (local.get $py) (local.get $o)) (f32x4.extract_lane 0 (local.get $t)))))
          (local.set $o (i32.add (local.get $o) (i32.const 4)))
          (br $et)))
        (local.set $ps (i32.add (local.get $s) (i32.shl (local.get $r) (i32.const 2))))
        (f32.store (local.get $ps) (f32.add (f32.load (local.get $ps)) (local.get $ss)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $row)))))
