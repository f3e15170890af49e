/**
 * Reference texts the sentence encoder compares answers with. Neither list
 * names a trade: they stand for what any text, or any candidate, can say.
 *
 * @module
 */

/**
 * Texts about everyday life and no job at all: how close unrelated text
 * comes to a question. A question about "menus" lies closer to a story
 * about Sunday lunch than one about "LOLER examinations" does, so each
 * question is measured against the closest of these.
 */
export const EVERYDAY_TEXTS: readonly string[] = [
  "Last spring I repainted our spare bedroom a pale green. I filled the cracks, sanded, put masking tape round the skirting and did two coats with a roller over a weekend.",
  "My daughter started swimming lessons in September. She was scared of putting her face in the water, so we went to the pool every Sunday and by Christmas she could do a width on her own.",
  "I grow tomatoes and courgettes on my allotment. This year the slugs got the first seedlings, so I started them on the windowsill and planted them out in May.",
  "We drove down the coast to Cornwall for a week in August and stayed in a caravan near the beach. It rained three days out of seven but we found a good fish and chip shop.",
  "I play five-a-side every Thursday night with friends from school. We lost most games last season, so we started meeting earlier to warm up and it has helped.",
  "On Sundays I make a roast chicken with potatoes, carrots and gravy for the family. I put the bird in for about an hour and a half and baste it twice.",
  "I have been learning the guitar for two years. I practise chords for twenty minutes after dinner and I can now play a few songs all the way through.",
  "Our dog is a three-year-old spaniel who needs a long walk every morning. We go round the park and along the river, and she always finds something muddy to roll in.",
  "I watched the whole series over the holidays. The first season was slow but the ending was really clever and I didn't see the twist coming.",
  "Last winter the boiler at home broke down on Christmas Eve, so we used electric heaters and hot water bottles until the engineer came after the holiday.",
  "I ran my first half marathon in October. I followed a twelve-week plan with three runs a week and finished in just under two hours.",
  "My grandmother taught me to knit when I was little. I made a scarf for my brother last year, though one end came out much wider than the other.",
  "We moved house in March. Packing took weeks, the van was late, and we spent the first night eating pizza on the floor among the boxes.",
  "I like reading crime novels on the train to work. I usually get through one a week and swap them with my sister when I have finished.",
  "At the weekend we went to a birthday party for my nephew at a trampoline park. Twenty children, a lot of cake and everyone was exhausted by four o'clock.",
  "I bake bread most weekends. I mix the dough on Saturday night, leave it in the fridge, and shape and bake it on Sunday morning.",
  "We went camping in the mountains for three nights. The tent leaked on the second night so we dried everything by the fire in the morning.",
  "I cycle to the shops and back most days. Last month I fixed a puncture by the road with a patch kit and a small pump.",
  "My favourite holiday was a week in Rome with my partner. We walked everywhere, ate far too much pasta and queued for two hours to see the Sistine Chapel.",
  "I volunteer at the local food bank on Saturday mornings, sorting tins and packing bags for families who come in.",
  "I took up painting in watercolours during lockdown. I mostly paint landscapes from photos I take on walks.",
  "My son's football team needed a new kit, so the parents held a cake sale and a quiz night and raised enough in a month.",
  "Our kitchen tap kept dripping, so I watched a video, turned off the water, replaced the washer and it has been fine since.",
  "I went to a concert in the park last summer with friends. We brought a picnic, the band played for two hours and we danced until it got dark.",
  "I am trying to learn Spanish before our trip next year. I use an app every day and watch films with Spanish subtitles.",
  "We adopted two kittens from the rescue centre. They knocked over every plant in the first week, so now the plants live on high shelves.",
  "I went fishing with my dad on the lake at dawn. We caught three small trout and put them all back.",
  "I organised a surprise party for my best friend's fortieth. I booked a room above a pub, sent invitations and kept it secret for six weeks.",
  "I love board games. Every Friday we play something long like a strategy game, and the loser makes tea for everyone.",
  "I renovated an old bike I found in a skip. I stripped it down, cleaned the chain, replaced the brake pads and painted the frame blue.",
];

/**
 * Claims any candidate can make about any job: diligence, teamwork,
 * passion, following the rules. A sentence close to one of these says what
 * the candidate is like, not what they did, whatever trade words it uses ("I
 * make sure the fleet is reliable and compliant").
 */
export const STOCK_CLAIMS: readonly string[] = [
  "I always make sure everything is done properly and on time.",
  "I work well with the team and get on with everyone.",
  "I'm really passionate about what I do.",
  "I always follow the rules, policies and procedures.",
  "I'm very organised and I keep on top of my workload.",
  "I make sure the customer is happy at the end.",
  "I always put safety first.",
  "I'm a hard worker and a real team player.",
  "I have a lot of experience in this area.",
  "I communicate well with everyone involved.",
  "I'm calm under pressure and I like a challenge.",
  "I always go the extra mile.",
  "I pay close attention to detail and double-check my work.",
  "I'm always looking for ways to improve and save money.",
  "I build good relationships with colleagues and clients.",
  "I keep everyone informed and updated throughout.",
  "I deal with all aspects of the job.",
  "I always try my best to get the right outcome.",
  "I take my responsibilities very seriously.",
  "I'm always learning and keeping up to date with changes.",
];
