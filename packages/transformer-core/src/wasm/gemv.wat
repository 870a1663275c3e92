;; Vector-matrix product for single-token decoding on the wasm backend, with wasm SIMD (128-bit).
;;
;;   gemv(x, w, ldw, y, d, n, acc):  y[j] (+)= sum_{r<d} x[r] * w[r*ldw + j]   for j < n
;;
;; x, w, y are byte offsets of f32 arrays in the imported memory (tfjs-backend-wasm's heap, so weights are read
;; where tfjs keeps them); w is row-major with row stride ldw floats. acc = 0 overwrites y, otherwise adds to it.
;; Columns are done in blocks of 1024 (a 4 KiB slice of y stays in L1) and rows four at a time, so each pass
;; streams four weight rows and touches y once. Column counts that are not a multiple of 4 get a scalar tail.
(module
  (import "env" "memory" (memory 1))
  (func (export "gemv")
    (param $x i32) (param $w i32) (param $ldw i32) (param $y i32) (param $d i32) (param $n i32) (param $acc i32)
    (local $c0 i32) (local $cw i32) (local $cv i32) (local $cb i32) (local $ldb i32) (local $r i32) (local $o i32)
    (local $py i32) (local $p0 i32) (local $p1 i32) (local $p2 i32) (local $p3 i32)
    (local $x0 v128) (local $x1 v128) (local $x2 v128) (local $x3 v128)
    (local.set $ldb (i32.shl (local.get $ldw) (i32.const 2)))
    (block $done
      (loop $cols
        (br_if $done (i32.ge_u (local.get $c0) (local.get $n)))
        (local.set $cw (i32.sub (local.get $n) (local.get $c0)))
        (if (i32.gt_u (local.get $cw) (i32.const 1024)) (then (local.set $cw (i32.const 1024))))
        ;; bytes of the block, and of its part that is a multiple of 4 floats
        (local.set $cb (i32.shl (local.get $cw) (i32.const 2)))
        (local.set $cv (i32.and (local.get $cb) (i32.const -16)))
        (local.set $py (i32.add (local.get $y) (i32.shl (local.get $c0) (i32.const 2))))
        (if (i32.eqz (local.get $acc)) (then (memory.fill (local.get $py) (i32.const 0) (local.get $cb))))
        (local.set $p0 (i32.add (local.get $w) (i32.shl (local.get $c0) (i32.const 2))))
        (local.set $r (i32.const 0))
        ;; four rows at a time
        (block $rows4done
          (loop $rows4
            (br_if $rows4done (i32.gt_u (i32.add (local.get $r) (i32.const 4)) (local.get $d)))
            (local.set $p1 (i32.add (local.get $p0) (local.get $ldb)))
            (local.set $p2 (i32.add (local.get $p1) (local.get $ldb)))
            (local.set $p3 (i32.add (local.get $p2) (local.get $ldb)))
            (local.set $x0 (v128.load32_splat (i32.add (local.get $x) (i32.shl (local.get $r) (i32.const 2)))))
            (local.set $x1 (v128.load32_splat offset=4 (i32.add (local.get $x) (i32.shl (local.get $r) (i32.const 2)))))
            (local.set $x2 (v128.load32_splat offset=8 (i32.add (local.get $x) (i32.shl (local.get $r) (i32.const 2)))))
            (local.set $x3 (v128.load32_splat offset=12 (i32.add (local.get $x) (i32.shl (local.get $r) (i32.const 2)))))
            (local.set $o (i32.const 0))
            (block $vdone
              (loop $v
                (br_if $vdone (i32.ge_u (local.get $o) (local.get $cv)))
                (v128.store (i32.add (local.get $py) (local.get $o))
                  (f32x4.add
                    (f32x4.add
                      (f32x4.add
                        (f32x4.add
                          (v128.load (i32.add (local.get $py) (local.get $o)))
                          (f32x4.mul (local.get $x0) (v128.load (i32.add (local.get $p0) (local.get $o)))))
                        (f32x4.mul (local.get $x1) (v128.load (i32.add (local.get $p1) (local.get $o)))))
                      (f32x4.mul (local.get $x2) (v128.load (i32.add (local.get $p2) (local.get $o)))))
                    (f32x4.mul (local.get $x3) (v128.load (i32.add (local.get $p3) (local.get $o))))))
                (local.set $o (i32.add (local.get $o) (i32.const 16)))
                (br $v)))
            (block $tdone
              (loop $t
                (br_if $tdone (i32.ge_u (local.get $o) (local.get $cb)))
                (f32.store (i32.add (local.get $py) (local.get $o))
                  (f32.add
                    (f32.add
                      (f32.add
                        (f32.add
                          (f32.load (i32.add (local.get $py) (local.get $o)))
                          (f32.mul (f32x4.extract_lane 0 (local.get $x0)) (f32.load (i32.add (local.get $p0) (local.get $o)))))
                        (f32.mul (f32x4.extract_lane 0 (local.get $x1)) (f32.load (i32.add (local.get $p1) (local.get $o)))))
                      (f32.mul (f32x4.extract_lane 0 (local.get $x2)) (f32.load (i32.add (local.get $p2) (local.get $o)))))
                    (f32.mul (f32x4.extract_lane 0 (local.get $x3)) (f32.load (i32.add (local.get $p3) (local.get $o))))))
                (local.set $o (i32.add (local.get $o) (i32.const 4)))
                (br $t)))
            (local.set $r (i32.add (local.get $r) (i32.const 4)))
            (local.set $p0 (i32.add (local.get $p3) (local.get $ldb)))
            (br $rows4)))
        ;; the last d mod 4 rows
        (block $rows1done
          (loop $rows1
            (br_if $rows1done (i32.ge_u (local.get $r) (local.get $d)))
            (local.set $x0 (v128.load32_splat (i32.add (local.get $x) (i32.shl (local.get $r) (i32.const 2)))))
            (local.set $o (i32.const 0))
            (block $v1done
              (loop $v1
                (br_if $v1done (i32.ge_u (local.get $o) (local.get $cv)))
                (v128.store (i32.add (local.get $py) (local.get $o))
                  (f32x4.add
                    (v128.load (i32.add (local.get $py) (local.get $o)))
                    (f32x4.mul (local.get $x0) (v128.load (i32.add (local.get $p0) (local.get $o))))))
                (local.set $o (i32.add (local.get $o) (i32.const 16)))
                (br $v1)))
            (block $t1done
              (loop $t1
                (br_if $t1done (i32.ge_u (local.get $o) (local.get $cb)))
                (f32.store (i32.add (local.get $py) (local.get $o))
                  (f32.add
                    (f32.load (i32.add (local.get $py) (local.get $o)))
                    (f32.mul (f32x4.extract_lane 0 (local.get $x0)) (f32.load (i32.add (local.get $p0) (local.get $o))))))
                (local.set $o (i32.add (local.get $o) (i32.const 4)))
                (br $t1)))
            (local.set $r (i32.add (local.get $r) (i32.const 1)))
            (local.set $p0 (i32.add (local.get $p0) (local.get $ldb)))
            (br $rows1)))
        (local.set $c0 (i32.add (local.get $c0) (i32.const 1024)))
        (br $cols)))))
