// train: public exports of src/train (filled in by the train modules).
export {};
