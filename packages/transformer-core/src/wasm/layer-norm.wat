;; LayerNorm of inference over rows, with wasm SIMD (128-bit), in float64 as layer-norm.ts's layerNormRow computes it
;; (and in its order, so the two agree bit for bit):
;;
;;   layer_norm(x, y, rows, d, eps):  for each row of d floats: s0, s1 = sums of its even- and odd-indexed entries
;;                                    (float64, in index order), mean = (s0 + s1) / d; v0, v1 likewise of (x - mean)^2;
;;                                    inv = 1 / sqrt((v0 + v1) / d + eps); y = float32((x - mean) * inv)
;;
;; One f64x2 accumulator holds (s0, s1): four floats at a time go in as two pairs, so lane 0 takes the even entries
;; and lane 1 the odd ones in order, exactly as the scalar loop does. Pointers are byte offsets of f32 arrays in the
;; imported memory (tfjs-backend-wasm's heap); y may be x.
;; The second pair of four loaded floats is shuffled down before promote_low (wasm has no promote_high).
(module
  (import "env" "memory" (memory 1))

  (func $row (param $x i32) (param $y i32) (param $d i32) (param $eps f64)
    (local $nb i32) (local $n4 i32) (local $o i32) (local $acc v128) (local $q v128) (local $t v128) (local $u v128)
    (local $m v128) (local $iv v128) (local $mean f64) (local $inv f64) (local $e f64)
    (local.set $nb (i32.shl (local.get $d) (i32.const 2)))
    (local.set $n4 (i32.and (local.get $nb) (i32.const -16)))
    ;; sums: four floats (two pairs) at a time, then one pair, then the last (even-indexed) float into lane 0
    (local.set $acc (v128.const f64x2 0 0))
    (local.set $o (i32.const 0))
    (block $s1 (loop $s
      (br_if $s1 (i32.ge_u (local.get $o) (local.get $n4)))
      (local.set $q (v128.load (i32.add (local.get $x) (local.get $o))))
      (local.set $acc (f64x2.add (local.get $acc) (f64x2.promote_low_f32x4 (local.get $q))))
      (local.set $acc (f64x2.add (local.get $acc)
        (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $q) (local.get $q)))))
      (local.set $o (i32.add (local.get $o) (i32.const 16)))
      (br $s)))
    (if (i32.le_u (i32.add (local.get $o) (i32.const 8)) (local.get $nb)) (then
      (local.set $acc (f64x2.add (local.get $acc) (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $x) (local.get $o))))))
      (local.set $o (i32.add (local.get $o) (i32.const 8)))))
    (if (i32.lt_u (local.get $o) (local.get $nb)) (then
      (local.set $acc (f64x2.replace_lane 0 (local.get $acc)
        (f64.add (f64x2.extract_lane 0 (local.get $acc)) (f64.promote_f32 (f32.load (i32.add (local.get $x) (local.get $o)))))))))
    (local.set $mean (f64.div (f64.add (f64x2.extract_lane 0 (local.get $acc)) (f64x2.extract_lane 1 (local.get $acc)))
                              (f64.convert_i32_u (local.get $d))))
    (local.set $m (f64x2.splat (local.get $mean)))
    ;; squared deviations, in the same order
    (local.set $acc (v128.const f64x2 0 0))
    (local.set $o (i32.const 0))
    (block $v1 (loop $v
      (br_if $v1 (i32.ge_u (local.get $o) (local.get $n4)))
      (local.set $q (v128.load (i32.add (local.get $x) (local.get $o))))
      (local.set $t (f64x2.sub (f64x2.promote_low_f32x4 (local.get $q)) (local.get $m)))
      (local.set $acc (f64x2.add (local.get $acc) (f64x2.mul (local.get $t) (local.get $t))))
      (local.set $t (f64x2.sub (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $q) (local.get $q)))
                               (local.get $m)))
      (local.set $acc (f64x2.add (local.get $acc) (f64x2.mul (local.get $t) (local.get $t))))
      (local.set $o (i32.add (local.get $o) (i32.const 16)))
      (br $v)))
    (if (i32.le_u (i32.add (local.get $o) (i32.const 8)) (local.get $nb)) (then
      (local.set $t (f64x2.sub (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $x) (local.get $o)))) (local.get $m)))
      (local.set $acc (f64x2.add (local.get $acc) (f64x2.mul (local.get $t) (local.get $t))))
      (local.set $o (i32.add (local.get $o) (i32.const 8)))))
    (if (i32.lt_u (local.get $o) (local.get $nb)) (then
      (local.set $e (f64.sub (f64.promote_f32 (f32.load (i32.add (local.get $x) (local.get $o)))) (local.get $mean)))
      (local.set $acc (f64x2.replace_lane 0 (local.get $acc)
        (f64.add (f64x2.extract_lane 0 (local.get $acc)) (f64.mul (local.get $e) (local.get $e)))))))
    (local.set $inv (f64.div (f64.const 1)
      (f64.sqrt (f64.add (f64.div (f64.add (f64x2.extract_lane 0 (local.get $acc)) (f64x2.extract_lane 1 (local.get $acc)))
                                  (f64.convert_i32_u (local.get $d)))
                         (local.get $eps)))))
    (local.set $iv (f64x2.splat (local.get $inv)))
    ;; y = float32((x - mean) * inv): four at a time (two demoted pairs joined), then a pair, then the last float
    (local.set $o (i32.const 0))
    (block $w1 (loop $w
      (br_if $w1 (i32.ge_u (local.get $o) (local.get $n4)))
      (local.set $q (v128.load (i32.add (local.get $x) (local.get $o))))
      (local.set $t (f32x4.demote_f64x2_zero (f64x2.mul (f64x2.sub (f64x2.promote_low_f32x4 (local.get $q)) (local.get $m)) (local.get $iv))))
      (local.set $u (f32x4.demote_f64x2_zero (f64x2.mul (f64x2.sub
        (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $q) (local.get $q))) (local.get $m)) (local.get $iv))))
      (v128.store (i32.add (local.get $y) (local.get $o))
        (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t) (local.get $u)))
      (local.set $o (i32.add (local.get $o) (i32.const 16)))
      (br $w)))
    (if (i32.le_u (i32.add (local.get $o) (i32.const 8)) (local.get $nb)) (then
      (v128.store64_lane 0 (i32.add (local.get $y) (local.get $o))
        (f32x4.demote_f64x2_zero (f64x2.mul (f64x2.sub (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $x) (local.get $o)))) (local.get $m)) (local.get $iv))))
      (local.set $o (i32.add (local.get $o) (i32.const 8)))))
    (if (i32.lt_u (local.get $o) (local.get $nb)) (then
      (f32.store (i32.add (local.get $y) (local.get $o))
        (f32.demote_f64 (f64.mul (f64.sub (f64.promote_f32 (f32.load (i32.add (local.get $x) (local.get $o)))) (local.get $mean)) (local.get $inv)))))))

  (func (export "layer_norm") (param $x i32) (param $y i32) (param $rows i32) (param $d i32) (param $eps f64)
    (local $r i32) (local $nb i32)
    (local.set $nb (i32.shl (local.get $d) (i32.const 2)))
    (block $done (loop $each
      (br_if $done (i32.ge_u (local.get $r) (local.get $rows)))
      (call $row (i32.add (local.get $x) (i32.mul (local.get $r) (local.get $nb)))
                 (i32.add (local.get $y) (i32.mul (local.get $r) (local.get $nb))) (local.get $d) (local.get $eps))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $each))))
)
